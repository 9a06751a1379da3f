# install() rules: the FHS places of CMakeLists.txt's MMAPSUITE_*DIR (docs/install.md lists
# them). The relocatable bundle (tools/bundle) and the libgit2 stand-in are never installed:
# an installed mmapsuite uses the system's loader and libraries.
install(TARGETS mmapsuite_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mmapsuite-conform RUNTIME DESTINATION ${MMAPSUITE_LIBEXECDIR})
install(TARGETS mmapsuite LIBRARY DESTINATION ${MMAPSUITE_PRIVATE_LIBDIR} NAMELINK_SKIP)
# The self-test's faulty libraries: suites/selftest/CMakeLists.txt, which lists them.
# Only the program loads a private library (libmmapsuite); the runner needs no search path.
set_target_properties(mmapsuite-conform mmapsuite PROPERTIES INSTALL_RPATH "")

install(FILES ${PROJECT_SOURCE_DIR}/suites/expect/kernel.expect DESTINATION ${MMAPSUITE_DATADIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  FILES_MATCHING PATTERN "*.md")

# mmapsuite(1) and the bash completion are written by the program itself from the option
# tables that parse its options (tools/mmapsuite/docgen.c), so they cannot drift from it.
# A cross build cannot run the program; its man page comes from a native build.
install(FILES ${PROJECT_SOURCE_DIR}/suites/expect/mmapsuite-expect.5
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
if(NOT CMAKE_CROSSCOMPILING)
  set(generated ${CMAKE_BINARY_DIR}/generated)
  add_custom_command(OUTPUT ${generated}/mmapsuite.1 ${generated}/mmapsuite.bash
    COMMAND ${CMAKE_COMMAND} -E make_directory ${generated}
    COMMAND mmapsuite_cli --man-page > ${generated}/mmapsuite.1
    COMMAND mmapsuite_cli --bash-completion > ${generated}/mmapsuite.bash
    DEPENDS mmapsuite_cli VERBATIM)
  add_custom_target(mmapsuite-docs ALL DEPENDS ${generated}/mmapsuite.1
    ${generated}/mmapsuite.bash)
  install(FILES ${generated}/mmapsuite.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${generated}/mmapsuite.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
    RENAME mmapsuite)
endif()
