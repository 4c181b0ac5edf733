# High warning level for our own targets; -Werror when ACMEPOLICY_WERROR is on (CI turns it on).
function(acmepolicy_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  if(ACMEPOLICY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
