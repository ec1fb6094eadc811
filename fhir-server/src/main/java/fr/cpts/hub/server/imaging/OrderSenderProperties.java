package fr.cpts.hub.server.imaging;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the hub sends imaging orders to the radiology groups' RIS (the groups and their RIS are in
 * {@code hub.hl7v2.mllp.sources}).
 *
 * @param pollInterval how often each node looks for orders to send
 * @param timeout connect and read timeout of one attempt (the RIS's ACK)
 * @param firstRetry the wait after a first failed attempt; each further failure doubles it
 * @param maxRetryWait the longest wait between two attempts
 * @param maxAttempts attempts before an order is marked failed
 * @param lease how long a node owns an order it is sending
 * @param cpts MSH-4, the sending facility: the CPTS
 */
@Validated
@ConfigurationProperties("hub.hl7v2.orders")
public record OrderSenderProperties(
    @DefaultValue("5s") Duration pollInterval,
    @DefaultValue("10s") Duration timeout,
    @DefaultValue("30s") Duration firstRetry,
    @DefaultValue("1h") Duration maxRetryWait,
    @DefaultValue("12") @Min(1) @Max(100) int maxAttempts,
    @DefaultValue("2m") Duration lease,
    @DefaultValue("CPTS") String cpts) {}
