package fr.cpts.hub.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The CPTS hub: one Spring Boot application embedding the HAPI FHIR JPA server (R4). */
@SpringBootApplication(exclude = ElasticsearchRestClientAutoConfiguration.class)
@ConfigurationPropertiesScan
public class HubApplication {

  public static void main(String[] args) {
    SpringApplication.run(HubApplication.class, args);
  }
}
