/// One labelled input of a console form, with the messages about it right under it and the value the user typed
/// (never for a password).
struct FormField {
    enum Kind {
        case text, email, password, hidden
        /// A choice among (value, label) pairs.
        case select([(value: String, label: String)])
    }

    /// The form parameter, as the original system's forms name it (`firstName`).
    let name: String
    let label: String
    var kind: Kind = .text
    var value: String = ""
    var errors: [String] = []
    var hint: String? = nil
    var isRequired = true
    var autocomplete: String? = nil

    var html: HTML {
        let inputID = "f-\(name)"
        var attributes: [HTMLAttribute] = [.id(inputID), .name(name)]
        if isRequired { attributes.append(.flag("required")) }
        if let autocomplete { attributes.append(HTMLAttribute("autocomplete", autocomplete)) }
        var described: [String] = []
        if hint != nil { described.append("\(inputID)-hint") }
        if !errors.isEmpty {
            described.append("\(inputID)-error")
            attributes.append(HTMLAttribute("aria-invalid", "true"))
        }
        if !described.isEmpty { attributes.append(HTMLAttribute("aria-describedby", described.joined(separator: " "))) }
        let control: HTML
        switch kind {
        case .hidden:
            return .void("input", [HTMLAttribute("type", "hidden"), .name(name), HTMLAttribute("value", value)])
        case .text:
            control = .void("input", attributes + [HTMLAttribute("type", "text"), HTMLAttribute("value", value)])
        case .email:
            control = .void("input", attributes + [HTMLAttribute("type", "email"), HTMLAttribute("value", value)])
        case .password:
            control = .void("input", attributes + [HTMLAttribute("type", "password")])
        case .select(let options):
            control = .element(
                "select", attributes,
                [.element("option", [HTMLAttribute("value", "")], [.text("Choose…")])]
                    + options.map { option in
                        .element(
                            "option",
                            [HTMLAttribute("value", option.value)] + (option.value == value ? [.flag("selected")] : []),
                            [.text(option.label)])
                    })
        }
        var children: [HTML] = [.element("label", [HTMLAttribute("for", inputID)], [.text(label)]), control]
        if let hint { children.append(.element("p", [.class("hint"), .id("\(inputID)-hint")], [.text(hint)])) }
        if !errors.isEmpty {
            children.append(
                .element(
                    "p", [.class("error"), .id("\(inputID)-error")],
                    [.text(errors.map(sentence).joined(separator: " · "))]))
        }
        return .element("div", [.class(errors.isEmpty ? "field" : "field invalid")], children)
    }

    /// The domain's messages are predicates ("is required"): they read after the label. Whole sentences (the
    /// original's "Can't accept this email. …") stand alone.
    private func sentence(_ message: String) -> String {
        message.first?.isLowercase == true ? "\(label) \(message)" : message
    }
}
