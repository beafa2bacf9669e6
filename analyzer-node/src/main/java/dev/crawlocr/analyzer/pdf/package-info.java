/** Reading PDF documents with PDFBox: their text layer and the reasons a document is refused. */
package dev.crawlocr.analyzer.pdf;
