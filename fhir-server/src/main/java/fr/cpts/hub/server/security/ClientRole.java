package fr.cpts.hub.server.security;

/**
 * What a client of the hub is, as its registry entry says; access rules are written per role (and,
 * for practice software, per structure: {@link ClientIdentity#idnst()}).
 */
public enum ClientRole {
  /** The national SAS platform: slot searches, regulator accounts, SNP bookings. */
  SAS_PLATFORM,
  /** A GP practice software acting for one structure, the IDNST in its certificate's OU. */
  GP_SOFTWARE,
  /** The radiology group's RIS/PACS: imaging slots, orders, results. */
  RADIOLOGY,
  /** The CPTS coordination team's console: the territory's directory, requests, indicators. */
  CPTS_CONSOLE
}
