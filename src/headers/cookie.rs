//! The `Cookie` request header (6265bis §4.2, §5.8.3 step 4): the name/value pairs a request
//! carried, in order, duplicates kept (a duplicate name is itself evidence of shadowing).
//!
//! Lenient: pairs are split on `;` (browsers send `; `), whitespace around names and values is
//! trimmed, and a pair without `=` is a nameless cookie (browsers serialise those as the bare
//! value). Several `Cookie` lines (HTTP/2 may split the field) are read in order.

/// One `name=value` pair of a `Cookie` header, borrowed from the header text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CookiePair<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

/// Parses one `Cookie` header value into its pairs, in order; empty pieces are skipped.
pub fn parse(value: &str) -> Vec<CookiePair<'_>> {
    value
        .split(';')
        .filter_map(|piece| {
            let piece = piece.trim_matches([' ', '\t']);
            if piece.is_empty() {
                return None;
            }
            Some(match piece.split_once('=') {
                Some((n, v)) => CookiePair { name: n.trim_matches([' ', '\t']), value: v.trim_matches([' ', '\t']) },
                None => CookiePair { name: "", value: piece },
            })
        })
        .collect()
}

/// The pairs of every `Cookie` line of a request, in order.
pub fn parse_all<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<CookiePair<'a>> {
    lines.flat_map(parse).collect()
}

/// Names that occur more than once, in first-occurrence order.
pub fn duplicate_names<'a>(pairs: &[CookiePair<'a>]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        if out.contains(&p.name) {
            continue;
        }
        if pairs.iter().skip(i + 1).any(|q| q.name == p.name) {
            out.push(p.name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

    #[test]
    fn pairs_table() {
        let rows: &[Row<'_>] = &[
            ("two pairs", "a=1; b=2", &[("a", "1"), ("b", "2")]),
            ("no space", "a=1;b=2", &[("a", "1"), ("b", "2")]),
            ("duplicate kept in order", "sid=new; sid=old", &[("sid", "new"), ("sid", "old")]),
            ("nameless", "abc; a=1", &[("", "abc"), ("a", "1")]),
            ("value with =", "t=a=b", &[("t", "a=b")]),
            ("trailing semicolon", "a=1; ", &[("a", "1")]),
            ("empty", "", &[]),
            ("empty value", "a=", &[("a", "")]),
        ];
        for (label, input, want) in rows {
            let got: Vec<(&str, &str)> = parse(input).iter().map(|p| (p.name, p.value)).collect();
            assert_eq!(got, *want, "{label}");
        }
    }

    #[test]
    fn duplicates() {
        let p = parse("sid=1; a=2; sid=3; a=4; b=5");
        assert_eq!(duplicate_names(&p), ["sid", "a"]);
        assert!(duplicate_names(&parse("a=1; b=2")).is_empty());
    }

    #[test]
    fn several_lines() {
        let p = parse_all(["a=1", "b=2; c=3"].into_iter());
        assert_eq!(p.len(), 3);
    }
}
