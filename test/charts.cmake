# SPDX-License-Identifier: MIT
# The charts (charts/): rendered by hookbox-render, which is Helm's template
# engine (text/template, sprig v3) built with the system Go from Debian's
# packaged sources, offline; checked by integration/charts.sh. Without Go
# the suite still runs and fails, saying so.
find_program(HB_GO go)
set(HB_RENDER ${CMAKE_BINARY_DIR}/hookbox-render)
if(HB_GO)
  file(GLOB HB_RENDER_SRC ${CMAKE_SOURCE_DIR}/test/render/*.go)
  # GOPATH mode: Debian lays its Go sources out as a GOPATH
  # (/usr/share/gocode/src). Our package sits in a GOPATH of the build
  # directory, and its go.mod makes it "new code", so that imports of
  # sprig/v3 and semver/v3 resolve to Debian's directories without /v3.
  set(HB_GOPATH ${CMAKE_BINARY_DIR}/gopath)
  set(HB_GOENV GO111MODULE=off GOPATH=${HB_GOPATH}:/usr/share/gocode
    GOCACHE=${CMAKE_BINARY_DIR}/go-cache GOPROXY=off GOFLAGS= CGO_ENABLED=0)
  add_custom_command(OUTPUT ${HB_RENDER}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${HB_GOPATH}/src
    COMMAND ${CMAKE_COMMAND} -E rm -f ${HB_GOPATH}/src/hookbox-render
    COMMAND ${CMAKE_COMMAND} -E create_symlink ${CMAKE_SOURCE_DIR}/test/render
      ${HB_GOPATH}/src/hookbox-render
    COMMAND ${CMAKE_COMMAND} -E env ${HB_GOENV} ${HB_GO} vet hookbox-render
    COMMAND ${CMAKE_COMMAND} -E env ${HB_GOENV} ${HB_GO} build -o ${HB_RENDER} hookbox-render
    DEPENDS ${HB_RENDER_SRC} ${CMAKE_SOURCE_DIR}/test/render/go.mod
    COMMENT "Building hookbox-render (Go text/template and sprig)")
  add_custom_target(render ALL DEPENDS ${HB_RENDER})
endif()

hb_integration(charts integration/charts.sh)
