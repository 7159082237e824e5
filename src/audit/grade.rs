//! Grades, in the spirit of Mozilla Observatory's scoring but for the authentication surface.
//!
//! Rule (also in the README): start at 100; each error costs 25 points, each warning 10, an info
//! nothing; the score does not go below 0. Letters: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F. Any
//! error caps the grade at C, however few warnings there are. The same rule grades each area on
//! its own findings and the whole audit on all of them.

use super::Summary;
use serde::Serialize;

/// A letter grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    F,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::F => "F",
        }
    }
}

pub const ERROR_COST: usize = 25;
pub const WARNING_COST: usize = 10;

/// The grade and score of a set of findings.
pub fn grade(c: &Summary) -> (Grade, u8) {
    let cost = c.errors.saturating_mul(ERROR_COST).saturating_add(c.warnings.saturating_mul(WARNING_COST));
    let score = 100usize.saturating_sub(cost) as u8;
    let mut g = match score {
        90.. => Grade::A,
        80..=89 => Grade::B,
        70..=79 => Grade::C,
        60..=69 => Grade::D,
        _ => Grade::F,
    };
    if c.errors > 0 && g < Grade::C {
        g = Grade::C;
    }
    (g, score)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(errors: usize, warnings: usize, infos: usize) -> Summary {
        Summary { errors, warnings, infos }
    }

    #[test]
    fn the_documented_rule() {
        assert_eq!(grade(&s(0, 0, 5)), (Grade::A, 100), "infos cost nothing");
        assert_eq!(grade(&s(0, 1, 0)), (Grade::A, 90));
        assert_eq!(grade(&s(0, 2, 0)), (Grade::B, 80));
        assert_eq!(grade(&s(0, 3, 0)), (Grade::C, 70));
        assert_eq!(grade(&s(0, 4, 0)), (Grade::D, 60));
        assert_eq!(grade(&s(0, 5, 0)), (Grade::F, 50));
        // One error alone would score 75 (C); the cap matters when the score would be higher,
        // which it never is for one error, so check the cap with the boundary directly.
        assert_eq!(grade(&s(1, 0, 0)), (Grade::C, 75));
        assert_eq!(grade(&s(2, 0, 0)), (Grade::F, 50));
        assert_eq!(grade(&s(1000, 1000, 0)), (Grade::F, 0), "no underflow");
    }
}
