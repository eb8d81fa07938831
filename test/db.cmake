# SPDX-License-Identifier: MIT
# The database check kinds' integration suite (PostgreSQL, MariaDB, Redis).
hb_integration(db integration/db.sh)
