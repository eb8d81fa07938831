# SPDX-License-Identifier: MIT
# Readiness without credentials and database results beyond the first cell
# (issue 14, items 7 and 9), against real PostgreSQL, MariaDB and Redis.
hb_integration(db_check integration/db_check.sh)
