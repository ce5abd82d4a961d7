# One static library per module (src/<module>/*.cpp), linked PRIVATE to the modules it may use.
#
# All headers live under one include/ root, so an include directory alone cannot stop an upward
# #include. Each module therefore compiles against its own include directory in the build tree,
# holding symlinks only to its own header folder and those of the modules it may use (the
# transitive closure of DEPS): an upward #include is "No such file or directory".

set(CREDITGATE_MODULE_INCLUDE_ROOT ${CMAKE_BINARY_DIR}/module_include)

# creditgate_module(<name> [DEPS <module>...]): every module in DEPS must be declared before.
# A module with no sources yet only records its place in the order.
function(creditgate_module name)
  cmake_parse_arguments(PARSE_ARGV 1 MODULE "" "" "DEPS")
  set(allowed ${name})
  foreach(dep IN LISTS MODULE_DEPS)
    get_property(dep_allowed GLOBAL PROPERTY CREDITGATE_ALLOWED_${dep})
    if(NOT dep_allowed)
      message(FATAL_ERROR "module '${name}': dependency '${dep}' must be declared before it")
    endif()
    list(APPEND allowed ${dep_allowed})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY CREDITGATE_ALLOWED_${name} ${allowed})
  set_property(GLOBAL APPEND PROPERTY CREDITGATE_MODULES ${name})

  set(include_dir ${CREDITGATE_MODULE_INCLUDE_ROOT}/${name})
  file(REMOVE_RECURSE ${include_dir})
  file(MAKE_DIRECTORY ${include_dir}/creditgate)
  # Linked even before the header folder exists, so a module's first header is found at once.
  foreach(module IN LISTS allowed)
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/creditgate/${module}
         ${include_dir}/creditgate/${module} SYMBOLIC)
  endforeach()

  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_library(creditgate_${name} STATIC ${sources})
  add_library(creditgate::${name} ALIAS creditgate_${name})
  target_include_directories(creditgate_${name} PRIVATE ${include_dir})
  target_link_libraries(creditgate_${name} PUBLIC creditgate_base)
  foreach(dep IN LISTS MODULE_DEPS)
    if(TARGET creditgate_${dep})
      target_link_libraries(creditgate_${name} PRIVATE creditgate::${dep})
    endif()
  endforeach()
  creditgate_target_options(creditgate_${name})
endfunction()

# Lets <target> include only what module <name> may include (the layering tests use it).
function(creditgate_module_includes target name)
  target_include_directories(${target} PRIVATE ${CREDITGATE_MODULE_INCLUDE_ROOT}/${name})
endfunction()
