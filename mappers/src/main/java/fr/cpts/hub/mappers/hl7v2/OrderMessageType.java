package fr.cpts.hub.mappers.hl7v2;

/** The two HL7 v2 imaging order messages the hub sends; the RIS's interface decides which. */
public enum OrderMessageType {
  /** ORM^O01, the general order message (IHE Radiology with HL7 v2.3.1 RIS). */
  ORM_O01,
  /** OMI^O23, the imaging order message (HL7 v2.5), with its IPC segment. */
  OMI_O23
}
