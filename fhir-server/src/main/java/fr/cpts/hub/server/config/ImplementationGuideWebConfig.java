package fr.cpts.hub.server.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The implementation guide at {@code /ig/}: its pages are static files of the {@code ig} module
 * ({@code classpath:/static/ig/}), served by Spring Boot; {@code /ig} and {@code /ig/} open its
 * index.
 */
@Configuration(proxyBeanMethods = false)
public class ImplementationGuideWebConfig implements WebMvcConfigurer {

  public static final String IG_PATH = "/ig/";

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/ig", IG_PATH + "index.html");
    registry.addRedirectViewController(IG_PATH, IG_PATH + "index.html");
  }
}
