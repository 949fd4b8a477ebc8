#include "api/dashboard_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "api/dashboard_html.h"

namespace mj {
namespace {

const char* const kColours[] = {"#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2"};
constexpr double kW = 600, kH = 180, kLeft = 8, kRight = 8, kTop = 18, kBottom = 22;

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    return b;
}

std::string value_text(double v) {
    char b[32];
    if (v >= 1e6) std::snprintf(b, sizeof b, "%.1fM", v / 1e6);
    else if (v >= 1e4) std::snprintf(b, sizeof b, "%.0fk", v / 1e3);
    else std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}

}  // namespace

std::string chart_svg(const Chart& c) {
    double top = 0;
    for (const auto& s : c.series)
        for (double v : s.values) top = std::max(top, v);
    const size_t slots = c.x_labels.size();
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 180\" role=\"img\" aria-label=\"" +
                      html_escape(c.title) + "\"><title>" + html_escape(c.title) + "</title>";
    svg += "<rect x=\"0\" y=\"0\" width=\"600\" height=\"180\" fill=\"#ffffff\"/>";
    const double plot_w = kW - kLeft - kRight, plot_h = kH - kTop - kBottom, base_y = kH - kBottom;
    svg += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(base_y) + "\" x2=\"" + num(kW - kRight) + "\" y2=\"" + num(base_y) +
           "\" stroke=\"#9aa4b1\" stroke-width=\"1\"/>";
    if (top <= 0 || slots == 0) {
        svg += "<text x=\"300\" y=\"95\" text-anchor=\"middle\" font-size=\"14\" fill=\"#5f6b7a\">no data</text>";
    } else {
        svg += "<text x=\"" + num(kLeft) + "\" y=\"12\" font-size=\"11\" fill=\"#5f6b7a\">max " + html_escape(value_text(top)) +
               (c.unit.empty() ? "" : " " + html_escape(c.unit)) + "</text>";
        const double slot_w = plot_w / static_cast<double>(slots);
        const size_t n = std::max<size_t>(1, c.series.size());
        for (size_t si = 0; si < c.series.size(); ++si) {
            const auto& s = c.series[si];
            const char* colour = kColours[si % (sizeof kColours / sizeof *kColours)];
            if (c.kind == Chart::Kind::bars) {
                const double bar_w = std::max(1.0, slot_w * 0.8 / static_cast<double>(n));
                for (size_t i = 0; i < s.values.size() && i < slots; ++i) {
                    if (s.values[i] <= 0) continue;
                    const double h = std::max(1.0, plot_h * s.values[i] / top);
                    const double x = kLeft + slot_w * static_cast<double>(i) + slot_w * 0.1 + bar_w * static_cast<double>(si);
                    svg += "<rect x=\"" + num(x) + "\" y=\"" + num(base_y - h) + "\" width=\"" + num(bar_w) + "\" height=\"" + num(h) +
                           "\" fill=\"" + colour + "\"><title>" + html_escape(s.name + " " + c.x_labels[i] + ": " + value_text(s.values[i])) +
                           "</title></rect>";
                }
            } else {
                std::string pts;
                for (size_t i = 0; i < s.values.size() && i < slots; ++i) {
                    const double x = kLeft + slot_w * (static_cast<double>(i) + 0.5);
                    pts += (pts.empty() ? "" : " ") + num(x) + "," + num(base_y - plot_h * std::max(0.0, s.values[i]) / top);
                }
                svg += "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" stroke-width=\"2\" points=\"" + pts + "\"><title>" +
                       html_escape(s.name) + "</title></polyline>";
            }
        }
        svg += "<text x=\"" + num(kLeft) + "\" y=\"176\" font-size=\"11\" fill=\"#5f6b7a\">" + html_escape(c.x_labels.front()) + "</text>";
        svg += "<text x=\"" + num(kW - kRight) + "\" y=\"176\" font-size=\"11\" fill=\"#5f6b7a\" text-anchor=\"end\">" +
               html_escape(c.x_labels.back()) + "</text>";
    }
    svg += "</svg>";
    std::string caption = "<figcaption>" + html_escape(c.title);
    for (size_t si = 0; si < c.series.size(); ++si) {
        const char* colour = kColours[si % (sizeof kColours / sizeof *kColours)];
        // The key is a tiny SVG, not a styled span: a style attribute would need 'unsafe-inline'.
        caption += " <svg class=\"key\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"" +
                   std::string(colour) + "\"/></svg>" + html_escape(c.series[si].name);
    }
    return "<figure>" + svg + caption + "</figcaption></figure>";
}

}  // namespace mj
