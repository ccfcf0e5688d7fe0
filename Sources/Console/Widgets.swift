/// The few building blocks the pages share: a data table and a list of labelled values.
enum Widgets {
    /// A table that scrolls sideways on a narrow screen instead of breaking the layout.
    static func table(caption: String, headers: [String], rows: [[HTML]]) -> HTML {
        .element(
            "div", [.class("table-wrap")],
            [
                .element(
                    "table", [],
                    [
                        .element("caption", [], [.text(caption)]),
                        .element(
                            "thead", [],
                            [.element("tr", [], headers.map { .element("th", [HTMLAttribute("scope", "col")], [.text($0)]) })]),
                        .element("tbody", [], rows.map { cells in .element("tr", [], cells.map { .element("td", [], [$0]) }) }),
                    ])
            ])
    }

    static func details(_ items: [(label: String, value: String)]) -> HTML {
        .element(
            "dl", [.class("details")],
            items.flatMap { item -> [HTML] in
                [.element("dt", [], [.text(item.label)]), .element("dd", [], [.text(item.value)])]
            })
    }
}
