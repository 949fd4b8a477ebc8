// mailjobs list: the registry with each job's effective schedule, last run and next due time.
#include <cstdio>
#include <ctime>
#include <map>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/job_catalogue.h"
#include "core/text.h"  // issue 11.4: all output through one escaping place

namespace mj {

int cmd_list(int argc, char** argv) {
    cxxopts::Options o("mailjobs list", "List jobs: schedule, priority, last and next run.");
    add_common_options(o);
    auto args = parse_args(o, argc, argv);
    Config config = load_config(args);
    auto db = open_database(config);
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    struct State { int64_t next = 0, last = 0; std::string outcome; };
    std::map<std::string, State> state;
    Statement q(*db, "SELECT job, coalesce(next_due_at,0), coalesce(last_finished_at,0), coalesce(last_outcome,'') FROM job_state");
    while (q.step()) state[q.column(0).as_text()] = {q.column(1).as_int64(), q.column(2).as_int64(), q.column(3).as_text()};

    nlohmann::json arr = nlohmann::json::array();
    if (!args.count("json"))
        print("%-32s %-4s %-8s %-18s %-22s %s\n", "JOB", "PRIO", "ENABLED", "SCHEDULE", "LAST", "NEXT");
    for (const auto& j : job_registry()) {
        std::string s = std::string("job.") + j.name;
        const State& st = state[j.name];
        bool enabled = config.boolean(s, "enabled");
        const std::string& sched = config.str(s, "schedule");
        if (args.count("json")) {
            nlohmann::json conflicts = nlohmann::json::array();
            for (const char* c : j.conflicts) conflicts.push_back(c);
            arr.push_back({{"name", j.name}, {"summary", j.summary}, {"schedule", sched}, {"priority", j.priority},
                           {"enabled", enabled}, {"conflicts", conflicts}, {"last_finished_at", st.last},
                           {"last_outcome", st.outcome}, {"next_due_at", st.next}});
            continue;
        }
        std::string last = st.last ? st.outcome + " " + relative_time(st.last, now) : "never";
        std::string next = !enabled || sched == "off" ? "-" : st.next == 0 ? "next tick" : relative_time(st.next, now);
        print("%-32s %-4d %-8s %-18s %-22s %s\n", j.name, j.priority, enabled ? "yes" : "no", sched.c_str(),
                    last.c_str(), next.c_str());
    }
    if (args.count("json")) print_json(arr);
    return 0;
}

}  // namespace mj
