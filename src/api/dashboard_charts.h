// Server-side SVG charts for the dashboard: no script, readable with JavaScript off, allowed by a
// CSP without 'unsafe-inline' (presentation attributes only, no style attributes). Every label
// goes through html_escape(); an empty chart says "no data" instead of drawing nothing.
#pragma once
#include <string>
#include <vector>

namespace mj {

struct ChartSeries {
    std::string name;
    std::vector<double> values;  // one per x slot; the same length as Chart::x_labels
};

struct Chart {
    enum class Kind { bars, lines };
    Kind kind = Kind::bars;
    std::string title;                 // caption and the SVG's accessible name
    std::string unit;                  // "ms", "rows", ... after the axis maximum
    std::vector<std::string> x_labels; // first and last are drawn under the axis
    std::vector<ChartSeries> series;   // bars: grouped per slot; lines: one polyline each
};

// A <figure> with the SVG and a caption holding the title and the series' colour keys.
std::string chart_svg(const Chart& chart);

}  // namespace mj
