// What core/ calls back into, registered once at start-up by main.cpp (and by the unit tests'
// main) before any command or CGI request: jobs/ is the lowest layer that knows all of it.
#pragma once

namespace mj {

// The job catalogue (jobs/registry.cpp), the run hooks (delivery/'s pings, then its alerts: the
// order the runner called them in before they were hooks) and the database check of operators'
// [retention.NAME] policies (retention/operator_policies.h). Calling it again replaces them all.
void bootstrap();

}  // namespace mj
