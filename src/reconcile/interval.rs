//! Exact interval arithmetic for printed, rounded figures.
//!
//! A printed amount stands for the interval `[v − h, v + h]` where `h` is half a unit of its
//! last printed digit ("32.28" → h = 0.005, "25" → h = 0.5); the interval is closed because
//! documents do not say how they round ties (half up, half even). A printed share "36%" stands
//! for `[35.5%, 36.5%)`. Money is compared in 元 (so 元 and 万元 tables mix), shares in
//! percent. Nothing here uses floating point.

use crate::model::Unit;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A printed amount converted to 元, with half a unit of its last digit (also in 元).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printed {
    /// The printed value, in 元.
    pub value: Decimal,
    /// Half a unit of the last printed digit, in 元 (zero for an exact value).
    pub half: Decimal,
}

impl Printed {
    /// A value as printed in `unit`; its scale gives the rounding half-width.
    pub fn new(value: Decimal, unit: Unit) -> Printed {
        let f = unit.yuan_factor();
        Printed {
            value: value * f,
            half: half_unit(value) * f,
        }
    }

    /// A printed value that is not money (a percentage): half-width from its scale.
    pub fn plain(value: Decimal) -> Printed {
        Printed {
            value,
            half: half_unit(value),
        }
    }

    /// An exact value (an empty cell counted as zero).
    pub fn exact(value: Decimal) -> Printed {
        Printed {
            value,
            half: Decimal::ZERO,
        }
    }

    /// Lowest value the printed figure can stand for.
    pub fn lo(&self) -> Decimal {
        self.value - self.half
    }

    /// Upper end (excluded when `half` is not zero) of what the printed figure stands for.
    pub fn hi(&self) -> Decimal {
        self.value + self.half
    }
}

/// Largest magnitude of a printed figure the checks take (in its printed unit: 10^15 万元 is
/// far beyond any budget). Beyond it, converting to 元 and summing could overflow `Decimal`.
pub const MAX_PRINTED_MAGNITUDE: i64 = 1_000_000_000_000_000;
/// Most decimal places of a printed figure the checks take (budgets print two, shares four).
pub const MAX_PRINTED_SCALE: u32 = 10;

/// True when `v` is a figure the checks can take: within [`MAX_PRINTED_MAGNITUDE`] and
/// [`MAX_PRINTED_SCALE`] places. A cell outside (a garbled or hostile input) counts as unread.
pub fn printable(v: Decimal) -> bool {
    v.scale() <= MAX_PRINTED_SCALE && v.abs() <= Decimal::from(MAX_PRINTED_MAGNITUDE)
}

/// Half a unit of the last printed digit of `v` ("0.00" → 0.005, "25" → 0.5); at the finest
/// scale `Decimal` has (28 places), half of that place's unit, rounded up to it.
pub fn half_unit(v: Decimal) -> Decimal {
    let places = v.scale() + 1;
    if places > MAX_DECIMAL_SCALE {
        Decimal::new(1, MAX_DECIMAL_SCALE)
    } else {
        Decimal::new(5, places)
    }
}

/// Most decimal places a `Decimal` holds.
const MAX_DECIMAL_SCALE: u32 = 28;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The printed figures agree exactly.
    Ok,
    /// They differ, but by less than the rounding of the printed figures allows.
    Rounding,
    /// They differ by more than rounding allows.
    Mismatch,
}

/// A printed total compared with the sum of printed parts, all in 元.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SumCheck {
    pub stated: Decimal,
    pub computed: Decimal,
    /// stated − computed.
    pub difference: Decimal,
    /// A difference up to this (the sum of all half-units) is rounding.
    pub bound: Decimal,
    pub outcome: Outcome,
}

/// Compares a printed total with the sum of printed parts.
///
/// The true parts lie in `[p − h, p + h]`, so their true sum lies within `Σh` of the printed
/// sum; the true total within `h_total` of the printed total. The identity can hold exactly
/// only if `|stated − computed| ≤ Σh + h_total`.
pub fn check_sum(total: Printed, parts: &[Printed]) -> SumCheck {
    let computed: Decimal = parts.iter().map(|p| p.value).sum();
    let bound: Decimal = total.half + parts.iter().map(|p| p.half).sum::<Decimal>();
    let difference = total.value - computed;
    let outcome = if difference.is_zero() {
        Outcome::Ok
    } else if difference.abs() <= bound {
        Outcome::Rounding
    } else {
        Outcome::Mismatch
    };
    SumCheck {
        stated: total.value,
        computed,
        difference,
        bound,
        outcome,
    }
}

/// A printed percentage compared with the ratio of two printed amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatioCheck {
    /// The printed percentage.
    pub stated: Decimal,
    /// 100 × part / whole from the printed amounts, rounded to four more places than printed.
    pub computed: Decimal,
    /// stated − computed.
    pub difference: Decimal,
    /// Lowest and highest percentage the printed amounts allow.
    pub range: (Decimal, Decimal),
    pub outcome: Outcome,
}

/// Checks a printed percentage `pct` against `100 × part / whole`.
///
/// `Ok` when the ratio of the printed amounts rounds (half up) to the printed percentage;
/// `Rounding` when only some values inside the amounts' intervals do; `Mismatch` when none
/// does. Comparisons are made by cross-multiplying, so they are exact. `None` when the whole
/// can be zero or negative (no ratio to speak of).
pub fn check_ratio(part: Printed, whole: Printed, pct: Decimal) -> Option<RatioCheck> {
    if whole.lo() <= Decimal::ZERO {
        return None;
    }
    let hundred = Decimal::ONE_HUNDRED;
    let h = half_unit(pct);
    let (p_lo, p_hi) = (pct - h, pct + h);
    let a = part.value * hundred;
    let b = whole.value;
    let exact = p_lo * b <= a && a < p_hi * b;
    // The ratio of any values inside the amounts' intervals lies between the corner ratios
    // (the whole is positive); 28 significant digits make the division exact enough.
    let (a_lo, a_hi) = (part.lo() * hundred, part.hi() * hundred);
    let corners = [
        a_lo / whole.lo(),
        a_lo / whole.hi(),
        a_hi / whole.lo(),
        a_hi / whole.hi(),
    ];
    let r_lo = corners.iter().copied().min().unwrap_or(Decimal::ZERO);
    let r_hi = corners.iter().copied().max().unwrap_or(Decimal::ZERO);
    let overlaps = r_lo < p_hi && r_hi >= p_lo;
    let outcome = if exact {
        Outcome::Ok
    } else if overlaps {
        Outcome::Rounding
    } else {
        Outcome::Mismatch
    };
    let places = pct.scale() + 4;
    let computed = (a / b).round_dp(places);
    let range = (r_lo.round_dp(places), r_hi.round_dp(places));
    Some(RatioCheck {
        stated: pct,
        computed,
        difference: pct - computed,
        range,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn w(s: &str) -> Printed {
        Printed::new(d(s), Unit::WanYuan)
    }

    #[test]
    fn finest_scale_has_a_half_unit() {
        // 28 places (Decimal's finest): no 29th place to put the 5 in; before, a panic.
        let v = d("0.9999999999999999999999999999");
        assert_eq!(half_unit(v), d("0.0000000000000000000000000001"));
        assert!(!printable(v));
    }

    #[test]
    fn printable_bounds_magnitude_and_scale() {
        assert!(printable(d("707.83")));
        assert!(printable(d("-1000000000000000")));
        assert!(!printable(d("1000000000000001")));
        assert!(!printable(d("77777777777777777777777770.0")));
        assert!(printable(d("0.0000000001")));
        assert!(!printable(d("0.00000000001")));
    }

    #[test]
    fn half_unit_follows_printed_scale() {
        assert_eq!(half_unit(d("0.00")), d("0.005"));
        assert_eq!(half_unit(d("25")), d("0.5"));
        assert_eq!(half_unit(d("571.5")), d("0.05"));
    }

    #[test]
    fn units_compare_in_yuan() {
        let a = Printed::new(d("4545000.00"), Unit::Yuan);
        let b = w("454.50");
        assert_eq!(check_sum(b, &[a]).outcome, Outcome::Ok);
        // 454.50 万元 stands for [4,544,950, 4,545,050] 元: 4,545,040.00 元 is inside.
        let c = Printed::new(d("4545040.00"), Unit::Yuan);
        assert_eq!(check_sum(b, &[c]).outcome, Outcome::Rounding);
        let e = Printed::new(d("4545060.00"), Unit::Yuan);
        assert_eq!(check_sum(b, &[e]).outcome, Outcome::Mismatch);
    }

    #[test]
    fn sample_21011_is_rounding() {
        // 表3 line 483-487: 7.66 + 24.63 = 32.29, printed 32.28.
        let c = check_sum(w("32.28"), &[w("7.66"), w("24.63")]);
        assert_eq!(c.outcome, Outcome::Rounding);
        assert_eq!(c.difference, d("-100.0000")); // −0.01 万元 in 元
        assert_eq!(c.bound, d("150.000"));
    }

    #[test]
    fn two_printings_of_one_figure_may_differ_by_one_last_digit() {
        // 326.71 vs 326.72 (Shanghai final accounts): rounding ties may go either way.
        assert_eq!(
            check_sum(w("326.71"), &[w("326.72")]).outcome,
            Outcome::Rounding
        );
        assert_eq!(
            check_sum(w("326.71"), &[w("326.73")]).outcome,
            Outcome::Mismatch
        );
        assert_eq!(check_sum(w("32.28"), &[w("32.28")]).outcome, Outcome::Ok);
    }

    #[test]
    fn sample_table11_shares_are_mismatches() {
        // 表11 lines 902-911: 26% / 5% / 69% for 210.44 / 42.35 / 455.04 of 707.83.
        let whole = w("707.83");
        for (part, pct) in [("210.44", "26"), ("42.35", "5"), ("455.04", "69")] {
            let c = check_ratio(w(part), whole, d(pct)).unwrap();
            assert_eq!(c.outcome, Outcome::Mismatch, "{part} {pct}");
        }
        // The narrative's 36% and 64% (lines 1675-1677) are right.
        for (part, pct) in [("252.79", "36"), ("455.04", "64"), ("707.83", "100")] {
            let c = check_ratio(w(part), whole, d(pct)).unwrap();
            assert_eq!(c.outcome, Outcome::Ok, "{part} {pct}");
        }
    }

    #[test]
    fn ratio_inside_rounding_only() {
        // Line 1745-1747: 1.15 / (17.91 + 1.15) = 6.0336%, printed 6.04%: only rounding of the
        // inputs explains it.
        let c = check_ratio(w("1.15"), w("19.06"), d("6.04")).unwrap();
        assert_eq!(c.outcome, Outcome::Rounding);
        assert!(
            check_ratio(w("1.15"), w("19.06"), d("6.20"))
                .unwrap()
                .outcome
                == Outcome::Mismatch
        );
    }

    #[test]
    fn zero_whole_gives_no_ratio() {
        assert!(check_ratio(w("0.00"), w("0.00"), d("0")).is_none());
    }
}
