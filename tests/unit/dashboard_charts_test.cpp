#include "api/dashboard_charts.h"

#include <catch2/catch.hpp>

namespace {
size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}
}  // namespace

TEST_CASE("chart_svg: bars per value, labels escaped, no style attributes", "[dashboard]") {
    mj::Chart c;
    c.title = "Rows <purged>";
    c.unit = "rows";
    c.x_labels = {"11-30", "12-01", "12-02"};
    c.series = {{"a<script>", {1, 0, 4}}, {"b", {2, 2, 0}}};
    const std::string svg = mj::chart_svg(c);
    CHECK(count(svg, "<rect x=") == 4 + 1);  // four non-zero bars and the background
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find("a&lt;script&gt;") != std::string::npos);
    CHECK(svg.find("Rows &lt;purged&gt;") != std::string::npos);
    CHECK(svg.find("max 4 rows") != std::string::npos);
    CHECK(svg.find("style=") == std::string::npos);
    CHECK(svg.find(">12-02<") != std::string::npos);
}

TEST_CASE("chart_svg: an empty chart says so; lines draw one polyline per series", "[dashboard]") {
    mj::Chart empty;
    empty.title = "nothing";
    empty.x_labels = {"a", "b"};
    empty.series = {{"s", {0, 0}}};
    CHECK(mj::chart_svg(empty).find("no data") != std::string::npos);
    mj::Chart lines;
    lines.kind = mj::Chart::Kind::lines;
    lines.title = "depth";
    lines.x_labels = {"a", "b", "c"};
    lines.series = {{"q1", {1, 2, 3}}, {"q2", {3, 0, 1}}};
    const std::string svg = mj::chart_svg(lines);
    CHECK(count(svg, "<polyline") == 2);
    CHECK(svg.find("points=\"105.3,111.3 300.0,64.7 494.7,18.0\"") != std::string::npos);
}
