/// The console's one stylesheet and icon, served by the service itself (the console works offline, and the content
/// security policy allows styles from this origin only). Readable from a phone's width up; every focusable thing
/// shows a clear focus ring.
enum Stylesheet {
    static let css = """
        :root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --page: #f4f6f9; --card: #fff; --accent: #1f5fa8;
          --accent-ink: #fff; --error: #a8201a; --error-bg: #fdeceb; --ok: #1e6b3a; --ok-bg: #e7f5ec; --focus: #f2b01e; }
        * { box-sizing: border-box; }
        html { font-size: 100%; }
        body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
          color: var(--ink); background: var(--page); }
        .bar { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between;
          padding: .75rem 1.25rem; background: #14324f; color: #fff; }
        .bar a, .bar .link { color: #fff; }
        .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; letter-spacing: .02em; }
        .who { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; font-size: .95rem; }
        main { max-width: 64rem; margin: 0 auto; padding: 1.25rem; }
        h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
        a { color: var(--accent); }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem;
          margin: 0 0 1rem; }
        .narrow { max-width: 26rem; }
        .lead { font-size: 1.25rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
        .muted { color: var(--muted); }
        .tag { display: inline-block; margin: 0 .35rem .35rem 0; padding: .05rem .5rem; border-radius: 1rem;
          background: #e6eef8; color: #123f6e; font-size: .9rem; }
        .buttons { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; }
        .button, button { display: inline-block; padding: .55rem 1rem; border-radius: .4rem; border: 1px solid var(--accent);
          background: var(--card); color: var(--accent); font: inherit; text-decoration: none; cursor: pointer; }
        .button.disabled { border-color: var(--line); color: var(--muted); background: #eceff3; cursor: not-allowed; }
        button.primary { background: var(--accent); color: var(--accent-ink); }
        button.link { border: 0; padding: 0; background: none; text-decoration: underline; }
        .inline { display: inline; margin: 0; }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, .button:focus-visible {
          outline: 3px solid var(--focus); outline-offset: 2px; }
        .field { margin: 0 0 1rem; }
        label { display: block; font-weight: 600; margin-bottom: .25rem; }
        input, select { width: 100%; max-width: 26rem; padding: .5rem .6rem; font: inherit; color: var(--ink);
          border: 1px solid #9aa6b4; border-radius: .35rem; background: #fff; }
        .invalid input, .invalid select { border-color: var(--error); }
        .hint { margin: .25rem 0 0; color: var(--muted); font-size: .9rem; }
        .error { margin: .25rem 0 0; color: var(--error); font-weight: 600; }
        .notice { padding: .75rem 1rem; border-radius: .4rem; background: #e6eef8; margin: 0 0 1rem; }
        .notice.error { background: var(--error-bg); color: var(--error); }
        .notice.success { background: var(--ok-bg); color: var(--ok); }
        .details { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; margin: 0; }
        .details dt { font-weight: 600; color: var(--muted); }
        .details dd { margin: 0; overflow-wrap: anywhere; }
        .table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
          margin: 0 0 1rem; }
        table { border-collapse: collapse; width: 100%; }
        caption { text-align: left; padding: .6rem .75rem; color: var(--muted); overflow-wrap: anywhere; }
        th, td { text-align: left; padding: .45rem .75rem; border-top: 1px solid var(--line); vertical-align: top; }
        th { background: #eef2f6; white-space: nowrap; }
        .timeline { list-style: none; padding: 0; margin: 0; }
        .event { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--accent);
          border-radius: .4rem; padding: .5rem 1rem; margin: 0 0 .75rem; }
        .event h2 { margin: .25rem 0; font-size: 1.05rem; }
        .meta { color: var(--muted); margin: 0 0 .5rem; font-size: .95rem; overflow-wrap: anywhere; }
        @media (max-width: 36rem) {
          main { padding: .75rem; }
          .details { grid-template-columns: 1fr; }
          .details dd { margin-bottom: .4rem; }
          .buttons .button { flex: 1 1 100%; text-align: center; }
        }
        """

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#14324f"/>\
        <circle cx="16" cy="12" r="5" fill="#fff"/><path d="M7 27c1-6 5-9 9-9s8 3 9 9z" fill="#fff"/></svg>
        """
}
