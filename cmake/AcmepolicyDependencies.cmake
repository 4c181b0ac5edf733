# Finds nlohmann/json, mbedTLS and OpenSSL's libcrypto (signing, hashing) for the native build, or the wasm
# build of mbedTLS under Emscripten.
if(EMSCRIPTEN)
  # glibc headers must never be on a wasm include path: give nlohmann/json a folder of its own.
  set(ACMEPOLICY_JSON_INCLUDE ${CMAKE_BINARY_DIR}/_deps/json-include)
  if(NOT EXISTS ${ACMEPOLICY_JSON_INCLUDE}/nlohmann/json.hpp)
    file(MAKE_DIRECTORY ${ACMEPOLICY_JSON_INCLUDE})
    file(COPY /usr/include/nlohmann DESTINATION ${ACMEPOLICY_JSON_INCLUDE})
  endif()
  add_library(nlohmann_json_wasm INTERFACE)
  target_include_directories(nlohmann_json_wasm SYSTEM INTERFACE ${ACMEPOLICY_JSON_INCLUDE})
  add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json_wasm)

  set(ACMEPOLICY_MBEDTLS_WASM ${CMAKE_BINARY_DIR}/_deps/mbedtls-wasm)
  if(NOT EXISTS ${ACMEPOLICY_MBEDTLS_WASM}/lib/libmbedcrypto.a)
    execute_process(
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cmake/build-mbedtls-wasm.sh ${CMAKE_BINARY_DIR}/_deps
      RESULT_VARIABLE mbedtls_result)
    if(NOT mbedtls_result EQUAL 0)
      message(FATAL_ERROR "building mbedTLS for wasm failed (see output above)")
    endif()
  endif()
  add_library(mbedtls_all INTERFACE)
  target_include_directories(mbedtls_all SYSTEM INTERFACE ${ACMEPOLICY_MBEDTLS_WASM}/include)
  target_link_libraries(mbedtls_all INTERFACE
    ${ACMEPOLICY_MBEDTLS_WASM}/lib/libmbedx509.a ${ACMEPOLICY_MBEDTLS_WASM}/lib/libmbedcrypto.a)
  add_library(MbedTLS::all ALIAS mbedtls_all)
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  # Debian's libssl-dev (3.0): signs profiles natively, far faster than mbedTLS 2.28.
  find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)
  # Debian's mbedTLS ships neither a CMake config nor a .pc file.
  find_path(MBEDTLS_INCLUDE_DIR mbedtls/version.h REQUIRED)
  find_library(MBEDTLS_LIBRARY mbedtls REQUIRED)
  find_library(MBEDX509_LIBRARY mbedx509 REQUIRED)
  find_library(MBEDCRYPTO_LIBRARY mbedcrypto REQUIRED)
  add_library(mbedtls_all INTERFACE)
  target_include_directories(mbedtls_all SYSTEM INTERFACE ${MBEDTLS_INCLUDE_DIR})
  target_link_libraries(mbedtls_all INTERFACE ${MBEDTLS_LIBRARY} ${MBEDX509_LIBRARY} ${MBEDCRYPTO_LIBRARY})
  add_library(MbedTLS::all ALIAS mbedtls_all)
endif()
