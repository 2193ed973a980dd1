undefine(`@MACRO@')dnl
