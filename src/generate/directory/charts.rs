//! Horizontal bar charts as inline SVG, drawn at build time so the statistics page needs no
//! script. Each chart is one image for assistive technology (`role="img"` named by its
//! `<title>` and described by a `<desc>` listing every value); the page puts a data table
//! beside it for those who want the numbers.

use crate::text::escape_html;
use std::fmt::Write as _;

/// One bar, and a row of the chart's data table (`stats.charts[].rows`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    /// What the bar counts.
    pub label: String,
    /// The count.
    pub value: usize,
    /// Page listing what was counted, if any (used by the data table).
    pub url: Option<String>,
}

// Narrow enough that the 15px labels stay readable when a phone scales the chart down.
const WIDTH: usize = 400;
const ROW_HEIGHT: usize = 44;
const BAR_HEIGHT: usize = 16;
/// Room right of the longest bar for its number.
const VALUE_ROOM: usize = 40;

/// The chart's SVG markup; `id` must be unique on the page.
pub(super) fn bar_chart(id: &str, title: &str, rows: &[Row]) -> String {
    let id = escape_html(id);
    let height = rows.len() * ROW_HEIGHT + 8;
    let max = rows.iter().map(|r| r.value).max().unwrap_or(0).max(1);
    let description = rows
        .iter()
        .map(|r| format!("{}: {}", r.label, r.value))
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bar-chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape_html(title),
        escape_html(&description)
    );
    for (n, row) in rows.iter().enumerate() {
        let top = n * ROW_HEIGHT;
        let bar = (WIDTH - VALUE_ROOM) * row.value / max;
        let _ = write!(
            svg,
            "<g><text class=\"bar-label\" x=\"0\" y=\"{}\">{}</text><rect class=\"bar\" x=\"0\" y=\"{}\" width=\"{bar}\" height=\"{BAR_HEIGHT}\" rx=\"2\"></rect><text class=\"bar-value\" x=\"{}\" y=\"{}\">{}</text></g>",
            top + 16,
            escape_html(&row.label),
            top + 22,
            bar + 6,
            top + 22 + BAR_HEIGHT - 3,
            row.value
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_text_is_escaped() {
        let rows = vec![
            Row {
                label: "A & <b>".into(),
                value: 4,
                url: None,
            },
            Row {
                label: "B".into(),
                value: 2,
                url: None,
            },
            Row {
                label: "C".into(),
                value: 0,
                url: None,
            },
        ];
        let svg = bar_chart("c", "Otsikko", &rows);
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby=\"c-title c-desc\""));
        assert!(svg.contains("<title id=\"c-title\">Otsikko</title>"));
        assert!(svg.contains("A &amp; &lt;b&gt;: 4; B: 2; C: 0"));
        assert!(svg.contains(&format!("width=\"{}\" height=\"16\"", WIDTH - VALUE_ROOM)));
        assert!(svg.contains(&format!(
            "width=\"{}\" height=\"16\"",
            (WIDTH - VALUE_ROOM) / 2
        )));
        assert!(svg.contains("width=\"0\" height=\"16\""));
        assert!(!svg.contains("<b>"));
    }
}
