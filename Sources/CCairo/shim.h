// cairo through pkg-config: the PDF surface, and the image surfaces frames are painted from.
#ifndef DAILIES_CCAIRO_SHIM_H
#define DAILIES_CCAIRO_SHIM_H

#include <cairo.h>
#include <cairo-pdf.h>

#endif
