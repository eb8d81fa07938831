# SPDX-License-Identifier: MIT
# The database check kinds, each a module of its own (hookbox-postgres.so,
# hookbox-mysql.so, hookbox-redis.so) so that a run loads a client library
# only when one of its checks needs it. Included by the top CMakeLists.txt.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)

hb_module(postgres runner/postgres.c runner/pg_hmac.c)
target_link_libraries(hookbox-postgres PRIVATE PkgConfig::LIBPQ PkgConfig::LIBSSL)

hb_module(mysql runner/mysql.c)
target_link_libraries(hookbox-mysql PRIVATE PkgConfig::MARIADB PkgConfig::LIBSSL)

hb_module(redis runner/redis.c)
target_link_libraries(hookbox-redis PRIVATE PkgConfig::HIREDIS)
