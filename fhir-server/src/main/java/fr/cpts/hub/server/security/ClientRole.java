package fr.cpts.hub.server.security;

/**
 * What a client of the hub is, as its registry entry says (or, signed in with a token, the CPTS
 * team file); access rules are written per role (and, for practice software, per structure: {@link
 * ClientIdentity#idnst()}).
 */
public enum ClientRole {
  /** The national SAS platform: slot searches, regulator accounts, SNP bookings. */
  SAS_PLATFORM,
  /** A GP practice software acting for one structure, the IDNST in its certificate's OU. */
  GP_SOFTWARE,
  /** The radiology group's RIS/PACS: imaging slots, orders, results. */
  RADIOLOGY,
  /**
   * The CPTS coordination team's console: the territory's directory, requests, indicators. A
   * certificate's client, or a team member signed in with a token ({@link CptsTeam}).
   */
  CPTS_CONSOLE,
  /**
   * A professional signed in with OpenID Connect (a bearer token), through a web app: {@link
   * ClientIdentity#idnps()} and {@link ClientIdentity#practitionerId()} say who.
   */
  PROFESSIONAL
}
