package dev.l2r.lead.webhook;

import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Salesforce Outbound Message as its {@code notifications()} call sends it: a SOAP 1.1 envelope whose body holds
 * {@code notifications} ({@value #OUTBOUND}) with {@code OrganizationId}, {@code ActionId}, {@code SessionId},
 * {@code EnterpriseUrl}, {@code PartnerUrl} and 1 to 100 {@code Notification}s, each an {@code Id} and an
 * {@code sObject} of an {@code xsi:type} ({@code sf:Lead}, {@code sf:Opportunity}) whose children are the fields
 * chosen for the message ({@value #SOBJECT}). The body is read with no DTD at all: a document declaring one
 * (the way to external or expanding entities) is refused before anything of it is resolved.
 */
public record SalesforceMessage(String organizationId, String actionId, List<Notification> notifications) {

    public static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    public static final String OUTBOUND = "http://soap.sforce.com/2005/09/outbound";
    public static final String SOBJECT = "urn:sobject.enterprise.soap.sforce.com";
    static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    /** Salesforce sends at most 100 notifications in one message (the WSDL's maxOccurs). */
    public static final int MAX_NOTIFICATIONS = 100;

    /**
     * One notification: its own {@code Id} (the same on every retry of it), the sObject's type without prefix
     * ({@code Lead}), and its fields by name, a nil or empty field as null. {@code path} names it in problems.
     */
    public record Notification(String id, String type, Map<String, String> fields, String path) {

        public String field(String name) {
            return fields.get(name);
        }
    }

    /** Reads the body; anything but a well-formed outbound message is a 400 problem naming {@code body}. */
    public static SalesforceMessage parse(byte[] body) {
        Document document = document(body);
        Element envelope = document.getDocumentElement();
        if (!is(envelope, SOAP, "Envelope")) {
            throw malformed("body", "must be a SOAP 1.1 Envelope (" + SOAP + ")");
        }
        Element soapBody = child(envelope, SOAP, "Body");
        Element notifications = soapBody == null ? null : child(soapBody, OUTBOUND, "notifications");
        if (notifications == null) {
            throw malformed("notifications", "is required in the SOAP Body (namespace " + OUTBOUND + ")");
        }
        List<Notification> read = new ArrayList<>();
        for (Element n : children(notifications, OUTBOUND, "Notification")) {
            if (read.size() == MAX_NOTIFICATIONS) {
                throw malformed("Notification", "must occur at most " + MAX_NOTIFICATIONS + " times");
            }
            read.add(notification(n, "Notification[" + read.size() + "]"));
        }
        return new SalesforceMessage(text(child(notifications, OUTBOUND, "OrganizationId")),
                text(child(notifications, OUTBOUND, "ActionId")), List.copyOf(read));
    }

    private static Notification notification(Element n, String path) {
        Element sObject = child(n, OUTBOUND, "sObject");
        String type = null;
        Map<String, String> fields = new LinkedHashMap<>();
        if (sObject != null) {
            type = type(sObject);
            for (Node c = sObject.getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c instanceof Element field && SOBJECT.equals(field.getNamespaceURI())) {
                    // a field occurs once; should a message repeat one, the first counts
                    fields.putIfAbsent(field.getLocalName(), text(field));
                }
            }
        }
        return new Notification(text(child(n, OUTBOUND, "Id")), type, Collections.unmodifiableMap(fields), path);
    }

    /** The local part of {@code xsi:type} when its prefix names the sObject namespace ({@code sf:Lead}: Lead). */
    private static String type(Element sObject) {
        String qualified = sObject.getAttributeNS(XSI, "type");
        int colon = qualified.indexOf(':');
        String prefix = colon < 0 ? null : qualified.substring(0, colon);
        String namespace = sObject.lookupNamespaceURI(prefix);
        return SOBJECT.equals(namespace) ? qualified.substring(colon + 1) : null;
    }

    private static Document document(byte[] body) {
        if (body.length == 0) {
            throw malformed("body", "is empty; an outbound message (SOAP, text/xml) is expected");
        }
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            // the default handler prints to stderr; every error is the sender's and answered instead
            builder.setErrorHandler(new DefaultHandler() {
                @Override
                public void warning(SAXParseException e) {
                }
            });
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not read");
            });
            return builder.parse(new InputSource(new ByteArrayInputStream(body)));
        } catch (SAXParseException e) {
            throw malformed("body", "malformed XML at line " + e.getLineNumber() + ", column " + e.getColumnNumber()
                    + (e.getMessage() != null && e.getMessage().contains("DOCTYPE")
                    ? " (a DOCTYPE is not allowed)" : ""));
        } catch (SAXException | IOException e) {
            throw malformed("body", "unreadable XML");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser refuses a safe configuration", e);
        }
    }

    /**
     * The JDK's own parser (whatever else is on the class path), namespace aware, with DOCTYPEs refused outright,
     * no external entity, DTD or schema read, no XInclude, and the secure-processing limits.
     */
    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultNSInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        // an outbound message is six levels deep; a deeper document is no outbound message
        factory.setAttribute("jdk.xml.maxElementDepth", "64");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }

    private static boolean is(Node node, String namespace, String localName) {
        return node instanceof Element && namespace.equals(node.getNamespaceURI())
                && localName.equals(node.getLocalName());
    }

    private static Element child(Element parent, String namespace, String localName) {
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (is(c, namespace, localName)) {
                return (Element) c;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> found = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (is(c, namespace, localName)) {
                found.add((Element) c);
            }
        }
        return found;
    }

    /** An element's text, trimmed; null when absent, {@code xsi:nil} or empty. */
    private static String text(Element element) {
        if (element == null || "true".equals(element.getAttributeNS(XSI, "nil"))) {
            return null;
        }
        String text = element.getTextContent().trim();
        return text.isEmpty() ? null : text;
    }

    private static RejectedInput malformed(String field, String detail) {
        return RejectedInput.badRequest(Reason.MALFORMED, field, detail);
    }
}
