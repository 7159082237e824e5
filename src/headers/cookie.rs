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

/// Names that occur more than once, in first-occurrence order. Linear: one counting pass, one
/// ordered pass (a request can carry thousands of pairs; a nested scan was quadratic).
pub fn duplicate_names<'a>(pairs: &[CookiePair<'a>]) -> Vec<&'a str> {
    let mut count: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(pairs.len());
    for p in pairs {
        *count.entry(p.name).or_insert(0) += 1;
    }
    let mut out = Vec::new();
    for p in pairs {
        if let Some(n) = count.get_mut(p.name) {
            if *n > 1 {
                out.push(p.name);
                // Reported once, at its first occurrence.
                *n = 0;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_in_first_occurrence_order_and_linear() {
        let pairs = parse("b=1; a=1; c=1; a=2; b=2; b=3");
        assert_eq!(duplicate_names(&pairs), ["b", "a"]);
        assert!(duplicate_names(&parse("a=1; b=2")).is_empty());
        // 100k distinct names and one duplicate at the end: quadratic took seconds, this takes ms.
        let mut big: String = (0..100_000).map(|i| format!("n{i}=v; ")).collect();
        big.push_str("n7=again");
        assert_eq!(duplicate_names(&parse(&big)), ["n7"]);
    }

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
