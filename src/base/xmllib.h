/*
 * xmllib.h: the libxml2 calls sandlab makes, found once with dlopen (never
 * linked: libxml2 brings ICU and libstdc++, whose loading was most of what
 * a `node create` cost). Every reader and writer of XML (ova.c, domxml.c,
 * remote.c) goes through `xmllib`, whose fields have libxml2's own types.
 */
#ifndef SANDLAB_XMLLIB_H
#define SANDLAB_XMLLIB_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpath.h>

#include "util.h"

#define XMLLIB_CALLS(X) X(xmlReadMemory) X(xmlDocGetRootElement) X(xmlGetLastError) \
	X(xmlNodeGetContent) X(xmlFreeDoc) X(xmlFree) \
	X(xmlXPathNewContext) X(xmlXPathEvalExpression) X(xmlXPathFreeObject) X(xmlXPathFreeContext) \
	X(xmlBufferCreate) X(xmlBufferContent) X(xmlBufferFree) X(xmlNewTextWriterMemory) \
	X(xmlFreeTextWriter) X(xmlTextWriterSetIndent) X(xmlTextWriterSetIndentString) \
	X(xmlTextWriterEndDocument) X(xmlTextWriterStartElement) X(xmlTextWriterEndElement) \
	X(xmlTextWriterWriteAttribute) X(xmlTextWriterWriteElement) X(xmlTextWriterWriteString) \
	X(xmlTextWriterWriteFormatString) X(xmlTextWriterWriteFormatElement) \
	X(xmlParseURI) X(xmlFreeURI) X(xmlURIUnescapeString) X(xmlURIEscapeStr)
struct xmllib_calls { XMLLIB_CALLS(DL_FIELD) };

/* Filled by xmllib_open; all NULL before. */
extern struct xmllib_calls xmllib;

/* Opens libxml2 (once per process, from any thread) and finds every call
 * in XMLLIB_CALLS. 0, or -1 with why (e may be NULL). */
int xmllib_open(struct err *e);

/* Frees what libxml2 allocated for the caller: xmlFree is a variable
 * holding the free function, so the table holds its address. NULL is
 * allowed. */
void xmllib_free(void *p);

#endif
