# embed.cmake - turn a data file into a C source holding its bytes.
#
# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
# defines: const char NAME[] (NUL-terminated) and const size_t NAME_len.
# The data files stay the source of truth: they are compiled in so the
# binary works on its own, and options such as --policy replace them at
# run time.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR nbytes "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}"
  "/* Generated from ${IN} by cmake/embed.cmake; do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const char ${NAME}[];\n"
  "extern const size_t ${NAME}_len;\n"
  "const char ${NAME}[] = {\n${body}0x00 };\n"
  "const size_t ${NAME}_len = ${nbytes};\n")
