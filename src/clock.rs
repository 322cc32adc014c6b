//! The date the build compares with: today, or `KUMPPANI_TODAY=YYYY-MM-DD` for reproducible
//! runs (tests, rebuilding an old release).

use crate::diagnostics::{Diagnostic, Result};
use chrono::NaiveDate;

/// Today's date, or the one pinned by `KUMPPANI_TODAY`.
pub fn today() -> Result<NaiveDate> {
    match std::env::var("KUMPPANI_TODAY") {
        Ok(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
            Diagnostic::usage(format!("KUMPPANI_TODAY=`{text}` is not a date"))
                .with_hint("write it as YYYY-MM-DD, or unset it to use today's date")
                .into()
        }),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}
