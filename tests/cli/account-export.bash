# Helpers of the account-export tests (tests/cli/account-export-*.sh); source after lib.sh. Brings
# retention-b.bash and account-deletion.bash (add_account fills every table of the list).
. "$(dirname "${BASH_SOURCE[0]}")/retention-b.bash"
. "$(dirname "${BASH_SOURCE[0]}")/account-deletion.bash"

# export_config: [export] in jobs.ini (folder var/exports, a link base) and the spool folder.
export_config() {
  printf '[export]\ndir = var/exports\nbase_url = https://example.com/cgi-bin/mailjobs.cgi/exports/\n' >> jobs.ini
  printf '[job.forward-retry]\nspool_dir = var/spool\n' >> jobs.ini
}

# The download token of export E, from its notice (the only place it is written).
export_token() {
  sql "SELECT body FROM notification_outbox WHERE dedupe_key = (SELECT 'export_ready:' || uuid FROM exports WHERE id = $1)" |
    grep -o 'exports/[A-Za-z0-9_-]*' | cut -d/ -f2
}

# The archive file of export E.
export_file() { echo "var/exports/$(sql "SELECT path FROM exports WHERE id = $1")"; }
