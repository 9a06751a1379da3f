# ms_def_list(OUT FILE MACRO FIELD): the FIELD-th argument (from 0) of every `MACRO(a, b, ...)`
# line of the X-macro list FILE (bench/cases.def, reports/sections.def), in order, each once.
# CMake configures again when FILE changes, so a new line is a new source file.
function(ms_def_list out file macro field)
  file(STRINGS ${file} lines REGEX "^${macro}\\(")
  set(result)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^${macro}\\(([^)]*)\\).*" "\\1" args "${line}")
    string(REPLACE "," ";" args "${args}")
    list(GET args ${field} value)
    string(STRIP "${value}" value)
    list(APPEND result ${value})
  endforeach()
  list(REMOVE_DUPLICATES result)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  set(${out} ${result} PARENT_SCOPE)
endfunction()
