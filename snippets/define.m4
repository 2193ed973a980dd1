define(`@MACRO@', ``@VALUE@'')dnl
