// Claim leases on queue rows (share/schema.md "Queues and claim leases").
//
// A job claims a row in a short write transaction before it works on it: status = the working
// status, claimed_by = the run's owner token, claim_expires_at = now + ttl. It then sends outside
// any transaction and records the result in another short transaction, WHERE claimed_by = owner.
// A claim whose claim_expires_at has passed belongs to a run that died (kill -9, power loss): the
// row is due again. Overlapping runs therefore never handle the same row twice; a duplicate send
// needs a crash between the remote accept and the local commit (at-least-once).
//
// The table must have: id, status, claimed_by, claim_expires_at and the due column.
//
// Access revocation (BJ-18, issue 14): a row whose user is soft-deleted (users.deleted_at set) or
// not active (status 'suspended' or 'deleted') is never claimable, not even after its claim
// expired. It waits: not claimed, not attempted, attempts and due time unchanged, so it goes out
// on the first run after the application clears deleted_at / sets status back to 'active'. Whose
// a row is comes from the one list of what belongs to a user (core/user_data.h); the check is a
// NOT EXISTS on users by primary key per candidate row of the (status, due) index range. A row
// without a user (an operator notice) is always claimable. A user deleted after a row was claimed
// does not stop that one send (the claim was taken while the account was active).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/db.h"

namespace mj {

struct QueueSpec {
    const char* table;    // "failed_emails"
    const char* waiting;  // status of a row waiting for its turn: "pending"
    const char* working;  // status while claimed: "sending"
    const char* due;      // due-time column: "next_attempt_at"
};

// Ids of up to `limit` rows that may be claimed at `now`: abandoned claims first, then waiting
// rows in due order. Read-only; inside a write transaction the answer holds until its commit
// (PostgreSQL: the rows are locked FOR UPDATE, and rows locked by another worker are skipped).
std::vector<int64_t> claimable(Db& db, const QueueSpec& q, int64_t now, int64_t limit);
// Its SQL (?1 = now, ?2 = limit), and that of count_waiting_user_inactive (?1 = now): for the
// unit test that checks their plans keep the queue's due index (core/index_steps.h).
std::string claimable_sql(const QueueSpec& q, const std::string& lock = "");
std::string count_waiting_user_inactive_sql(const QueueSpec& q, bool abandoned);

// Rows that would be claimable at `now` but wait because their user is soft-deleted or not active
// (history: waiting_user_inactive). With `abandoned` false, only rows in the waiting status (a
// queue described by two specs counts the shared abandoned claims once).
int64_t count_waiting_user_inactive(Db& db, const QueueSpec& q, int64_t now, bool abandoned = true);

// Inside a write transaction: claims row `id` if it is still claimable; false otherwise.
bool claim_row(Db& db, const QueueSpec& q, int64_t id, const std::string& owner, int64_t now, int64_t ttl);

// Inside a write transaction: gives rows this owner claimed but did not work on back to the
// queue, unchanged otherwise (budget reached, signal, transport down).
void release_rows(Db& db, const QueueSpec& q, const std::vector<int64_t>& ids, const std::string& owner);

// Working through one claimed batch, row by row (forward-retry, notification-delivery).
// Before every row after the first, the rest goes back (release) when the job must stop or half
// the claim TTL is used, so no claim sits waiting to expire; when work(id) throws, the rows after
// it go back before the exception goes on (work(id)'s own row keeps its claim until it expires).
// work(id) handles one row and answers:
enum class Step {
    next,         // go on with the next row
    fail_after,   // end the run as failed; this row is recorded, the rest goes back
    fail_before,  // end the run as failed; this row and the rest go back untouched
};
enum class BatchEnd { claim_more, stopped, failed };
BatchEnd work_claimed(const std::vector<int64_t>& claimed, const std::function<bool()>& must_stop,
                      const std::function<bool()>& claims_half_used,
                      const std::function<void(const std::vector<int64_t>&)>& release,
                      const std::function<Step(int64_t)>& work);

}  // namespace mj
