//! budget-tables: Chinese government budget disclosures (部门预算 / 部门决算) in, exact,
//! reconciled tables out.
pub mod pdf;
