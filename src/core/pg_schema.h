// The schema's PostgreSQL migrations (core/pg_schema.cpp); same shape and rules as core/migrations.h.
#pragma once
#include <vector>

#include "core/migrations.h"

namespace mj {
const std::vector<Migration>& pg_migrations();
}
