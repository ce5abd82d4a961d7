# Warnings and sanitizers are set per target, never as global flags.
function(creditgate_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(CREDITGATE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CREDITGATE_SANITIZE STREQUAL "asan")
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer
                                            -fno-sanitize-recover=undefined)
    # g++ 12 with ASan instrumentation reports false "maybe uninitialized" boost::optional
    # values inside Boost.Beast's parser; the Release build keeps the warning.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  elseif(CREDITGATE_SANITIZE STREQUAL "tsan")
    # g++ 12 warns that TSan does not model atomic_thread_fence (used inside Boost.Asio).
    target_compile_options(${target} PUBLIC -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
    target_link_options(${target} PUBLIC -fsanitize=thread)
  elseif(NOT CREDITGATE_SANITIZE STREQUAL "")
    message(FATAL_ERROR "CREDITGATE_SANITIZE must be '', 'asan' or 'tsan'")
  endif()
endfunction()
