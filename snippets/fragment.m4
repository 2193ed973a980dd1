dnl # BEGIN smtls
dnl # STARTTLS settings written by smtls @VERSION@ on @DATE@.
dnl # Equivalent command: @COMMAND@
dnl # smtls replaces this block on the next apply; `smtls apply --undo' restores the backups.
@BODY@dnl # END smtls
