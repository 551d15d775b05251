/* main.c: itn-targetd entry point (placeholder until the engine lands). */
#include "config.h"

#include "target/tgt-config.h"

int
main (int argc, char **argv)
{
  return 0;
}
