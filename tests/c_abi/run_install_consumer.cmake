# The installed-package test: `cmake --install` the C ABI into a fresh prefix, check the installed files,
# then build and run the C smoke test against it twice: through find_package(acmepolicy) and through
# pkg-config (as Makefiles use it); and, when GO is given, the Go binding's default cgo pkg-config build.
# usage: cmake -DBUILD_DIR= -DWORK_DIR= -DSOURCE_DIR= -DC_COMPILER= -DDATA_DIR= -DSIGNING_DIR= -DVERSION=
#              [-DGO= -DGO_HOME=] -P run_install_consumer.cmake
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${result}): ${command}\n${out}\n${err}")
  endif()
  message(STATUS "ok: ${ARGV0} ${ARGV1} ...\n${out}")
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component c_abi)

# The layout a C library user expects.
file(GLOB_RECURSE pc_files ${prefix}/*/acmepolicy.pc)
list(LENGTH pc_files pc_count)
if(NOT pc_count EQUAL 1)
  message(FATAL_ERROR "expected one installed acmepolicy.pc, found: ${pc_files}")
endif()
get_filename_component(pkgconfig_dir ${pc_files} DIRECTORY)
get_filename_component(libdir ${pkgconfig_dir} DIRECTORY)
foreach(path include/acmepolicy.h)
  if(NOT EXISTS ${prefix}/${path})
    message(FATAL_ERROR "not installed: ${prefix}/${path}")
  endif()
endforeach()
foreach(link libacmepolicy.so libacmepolicy.so.1)
  if(NOT IS_SYMLINK ${libdir}/${link})
    message(FATAL_ERROR "${libdir}/${link} should be a symbolic link")
  endif()
endforeach()
file(GLOB real_library ${libdir}/libacmepolicy.so.1.*)
if(NOT real_library OR IS_SYMLINK ${real_library})
  message(FATAL_ERROR "the versioned ${libdir}/libacmepolicy.so.1.x is missing")
endif()
file(GLOB_RECURSE config_files ${prefix}/*/acmepolicyConfig.cmake)
if(NOT config_files)
  message(FATAL_ERROR "acmepolicyConfig.cmake was not installed")
endif()

# 1. CMake: find_package(acmepolicy) against the prefix only.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/consumer -B ${WORK_DIR}/cmake-consumer
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DACMEPOLICY_CONSUMER_SOURCE=${SOURCE_DIR}/smoke_test.c)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-consumer)
run(${WORK_DIR}/cmake-consumer/consumer ${DATA_DIR} ${SIGNING_DIR})

# 2. pkg-config: the flags come from the installed acmepolicy.pc.
set(ENV{PKG_CONFIG_PATH} ${pkgconfig_dir})
execute_process(COMMAND pkg-config --cflags --libs acmepolicy RESULT_VARIABLE result
                OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "pkg-config does not find acmepolicy in ${pkgconfig_dir}")
endif()
execute_process(COMMAND pkg-config --modversion acmepolicy OUTPUT_VARIABLE pc_version
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT pc_version STREQUAL VERSION)
  message(FATAL_ERROR "acmepolicy.pc says version ${pc_version}, the project is ${VERSION}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${C_COMPILER} -std=c99 -Wall -Wextra -Wpedantic -Werror ${SOURCE_DIR}/smoke_test.c ${flags}
    -o ${WORK_DIR}/pkgconfig-consumer)
set(ENV{LD_LIBRARY_PATH} ${libdir})
run(${WORK_DIR}/pkgconfig-consumer ${DATA_DIR} ${SIGNING_DIR})

# 3. Go: the binding's default build (no tag) finds the installed library through `#cgo pkg-config`.
if(GO)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pkgconfig_dir} LD_LIBRARY_PATH=${libdir}
            GOCACHE=${GO_HOME}/cache GOPATH=${GO_HOME}/path GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
            CGO_ENABLED=1 CC=${C_COMPILER} ACMEPOLICY_TEST_DATA=${DATA_DIR}
            ${GO} test -count=1 -run "TestVersion|TestValidate$|TestParseCheckin" ./acmepolicy
    WORKING_DIRECTORY ${SOURCE_DIR}/../../host-adapters/go
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "go test against the installed package (pkg-config) failed:\n${out}\n${err}")
  endif()
  message(STATUS "ok: go test through pkg-config\n${out}")
endif()
