// Module scripts run once the document is parsed: the first DOM is there.
performance.mark("empty:first-dom");
