"""The Web Connector server: QuickBooks Web Connector calls us over SOAP and we hand it the
sync job's requests one by one (``service``), over HTTP (``wsgi``), described by the WSDL we
generate (``wsdl``), for the company files a configuration lists (``config``)."""
