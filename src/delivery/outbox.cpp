#include "delivery/outbox.h"

namespace mj {

bool queue_notice(Db& db, const Notice& n, int64_t now) {
    Statement q(db,
                "INSERT INTO notification_outbox(user_id, to_address, persona, kind, subject, body, dedupe_key, "
                "status, next_attempt_at, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) "
                "ON CONFLICT(dedupe_key) DO NOTHING");
    if (n.user_id) q.bind(1, *n.user_id); else q.bind(1);
    q.bind(2, n.to_address);
    q.bind(3, n.persona);
    q.bind(4, n.kind);
    q.bind(5, n.subject);
    q.bind(6, n.body);
    q.bind(7, n.dedupe_key);
    q.bind(8, n.not_before ? n.not_before : now);
    q.bind(9, now);
    return q.exec() == 1;
}

}  // namespace mj
