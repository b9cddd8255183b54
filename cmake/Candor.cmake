# candor_library(NAME SOURCES ... DEPS ...): one static library per subsystem.
function(candor_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${CANDOR_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# candor_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with CTest.
# Tests run with the source tree as working directory so they find tests/vectors.
function(candor_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${CANDOR_WARNINGS})
  target_compile_definitions(${name} PRIVATE CANDOR_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS unit)
endfunction()
include(GoogleTest)

# candor_subsystem(NAME DEPS ...): the library of one src/ folder — every *.cc that is not
# a *_test.cc — plus, when the folder has *_test.cc files, one test binary NAME_test.
# Globbing keeps the folder the unit of ownership: adding a file needs no CMake edit.
function(candor_subsystem name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_sources ${all_sources})
  list(FILTER lib_sources EXCLUDE REGEX "_test\\.cc$")
  set(test_sources ${all_sources})
  list(FILTER test_sources INCLUDE REGEX "_test\\.cc$")
  candor_library(${name} SOURCES ${lib_sources} DEPS ${ARG_DEPS})
  if(test_sources)
    candor_test(${name}_test SOURCES ${test_sources} DEPS ${name} ${ARG_TEST_DEPS})
  endif()
endfunction()
