# The Debian package (docs/operations.md, "Installing the .deb"):
#   cmake --build build/release && (cd build/release && cpack -G DEB)
# cpack installs from the existing build tree; it rebuilds nothing that is
# up to date. Absolute destinations (/etc, /var, /lib/systemd) are placed
# as they are; everything else goes under /usr.

include(GNUInstallDirs)

install(TARGETS vaultd vaultctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# vaultd finds the UI at ../share/vault/web beside /usr/bin/vaultd (and the
# packaged vaultd.properties names it). The UI is built by npm
# (scripts/web-build.sh), outside CMake: a package built before it has no UI,
# which vaultd serves as "no UI" (cpack says so).
install(CODE "
  if(EXISTS \"${CMAKE_SOURCE_DIR}/api/web/dist/index.html\")
    file(INSTALL \"${CMAKE_SOURCE_DIR}/api/web/dist/\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/share/vault/web\")
  else()
    message(WARNING \"api/web/dist is not built (scripts/web-build.sh): the package has no web UI\")
  endif()")

install(DIRECTORY ${CMAKE_SOURCE_DIR}/policies/ DESTINATION share/vault/policies
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION share/doc/vault
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION share/doc/vault
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

install(FILES ${CMAKE_SOURCE_DIR}/packaging/vaultd.properties DESTINATION /etc/vault
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/vault.service DESTINATION /lib/systemd/system
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# Empty, private directories; postinst gives them to the vault user and
# puts the master key (0600) in /etc/vault/keys, never under /var/lib/vault.
install(DIRECTORY DESTINATION /etc/vault/keys
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
install(DIRECTORY DESTINATION /var/lib/vault
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vault)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "sales-archive vault maintainers <vault@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "sales-archive vault: encrypted document vault (vaultd, vaultctl, web UI)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Not libraries: adduser for postinst, the stamp font of policies/watermark.json.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, fonts-wqy-zenhei")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# /etc, /var and /lib/systemd are absolute on purpose.
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)
include(CPack)
