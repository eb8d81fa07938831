# SPDX-License-Identifier: MIT
# The database check kinds, each a module of its own (hookbox-postgres.so,
# hookbox-mysql.so, hookbox-redis.so) so that a run loads a client library
# only when one of its checks needs it. Included by the top CMakeLists.txt.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto)

# libpq linked in whole where Debian ships the archives, with the libraries
# of what no check uses left out (kinds/pq_pruned.c says what and why):
# libpq.so.5 and the 19 libraries it maps (LDAP, Kerberos, SASL, GnuTLS)
# were a large part of the image (the README has the figures). libpq.a
# needs PostgreSQL's libpgcommon and libpgport, built for a shared library
# (the _shlib archives, as libpq.so carries them), which
# postgresql-server-dev ships; only those of libpq's own version.
string(REGEX MATCH "^[0-9]+" HB_PG_MAJOR "${LIBPQ_VERSION}")
find_library(HB_PQ_ARCHIVE NAMES libpq.a HINTS ${LIBPQ_LIBRARY_DIRS})
find_library(HB_PGCOMMON_ARCHIVE NAMES libpgcommon_shlib.a
  HINTS /usr/lib/postgresql/${HB_PG_MAJOR}/lib)
find_library(HB_PGPORT_ARCHIVE NAMES libpgport_shlib.a
  HINTS /usr/lib/postgresql/${HB_PG_MAJOR}/lib)
set(HB_PQ_STATIC OFF)
if(HB_PQ_ARCHIVE AND HB_PGCOMMON_ARCHIVE AND HB_PGPORT_ARCHIVE)
  # The version of the archives: pg_config.h of libpq's headers and of the
  # server's (postgresql-server-dev), which ship with them.
  file(STRINGS ${LIBPQ_INCLUDEDIR}/pg_config.h HB_PQ_VERSION_NUM
    REGEX "^#define PG_VERSION_NUM ")
  file(STRINGS ${LIBPQ_INCLUDEDIR}/${HB_PG_MAJOR}/server/pg_config.h
    HB_PGCOMMON_VERSION_NUM REGEX "^#define PG_VERSION_NUM ")
  if(HB_PQ_VERSION_NUM AND HB_PQ_VERSION_NUM STREQUAL HB_PGCOMMON_VERSION_NUM)
    set(HB_PQ_STATIC ON)
  else()
    message(WARNING "libpq.a (${HB_PQ_VERSION_NUM}) and ${HB_PGCOMMON_ARCHIVE} "
      "(${HB_PGCOMMON_VERSION_NUM}) differ in version: linking libpq.so")
  endif()
endif()
# For the tests: which of the two the module is.
set(HB_PQ_STATIC ${HB_PQ_STATIC} CACHE INTERNAL "libpq.a linked into hookbox-postgres.so")
if(HB_PQ_STATIC)
  hb_module(postgres kinds/postgres.c kinds/pg_hmac.c kinds/pq_pruned.c
    kinds/left_out.c)
  target_include_directories(hookbox-postgres SYSTEM PRIVATE ${LIBPQ_INCLUDE_DIRS})
  target_link_libraries(hookbox-postgres PRIVATE ${HB_PQ_ARCHIVE} ${HB_PGCOMMON_ARCHIVE}
    ${HB_PGPORT_ARCHIVE} PkgConfig::LIBSSL PkgConfig::LIBCRYPTO)
  target_link_options(hookbox-postgres PRIVATE -Wl,--no-undefined)
else()
  hb_module(postgres kinds/postgres.c kinds/pg_hmac.c)
  target_link_libraries(hookbox-postgres PRIVATE PkgConfig::LIBPQ PkgConfig::LIBSSL)
endif()

# Connector/C linked in whole where Debian ships the archive: no zlib
# (kinds/my_pruned.c), one library fewer to load.
find_library(HB_MARIADB_ARCHIVE NAMES libmariadb.a HINTS ${MARIADB_LIBRARY_DIRS})
if(HB_MARIADB_ARCHIVE)
  hb_module(mysql kinds/mysql.c kinds/my_pruned.c kinds/left_out.c)
  target_include_directories(hookbox-mysql SYSTEM PRIVATE ${MARIADB_INCLUDE_DIRS})
  target_link_libraries(hookbox-mysql PRIVATE ${HB_MARIADB_ARCHIVE} PkgConfig::LIBSSL
    PkgConfig::LIBCRYPTO ${CMAKE_DL_LIBS})
  target_link_options(hookbox-mysql PRIVATE -Wl,--no-undefined)
else()
  hb_module(mysql kinds/mysql.c)
  target_link_libraries(hookbox-mysql PRIVATE PkgConfig::MARIADB PkgConfig::LIBSSL)
endif()

hb_module(redis kinds/redis.c)
target_link_libraries(hookbox-redis PRIVATE PkgConfig::HIREDIS)
