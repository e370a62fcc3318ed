package io.mongonats.connector.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.mongonats.connector.config.ConfigProblem;
import io.mongonats.connector.config.ConfigValidationException;
import io.mongonats.connector.config.ConfigValidator;
import io.mongonats.connector.config.ConnectorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Checks the manifests in {@code k8s/} against the application's contract, without a cluster:
 * health endpoints and port, Secrets, the ConfigMap against the real {@link ConnectorConfig}
 * mapping, shutdown timing, security context and label selectors.
 */
class ManifestsTest {

    static final Path K8S = Path.of("k8s");
    static final Path SECRET_TEMPLATE = K8S.resolve("secret.example.yaml");
    static final Path SERVICE_MONITOR = K8S.resolve("optional/servicemonitor.yaml");
    static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");

    static final String IMAGE = "mongo-nats-connector";
    static final String IMAGE_TAG = "0.1.0";
    static final String CONFIG_MAP = "mongo-nats-connector-config";
    static final String CONFIG_KEY = "application.properties";
    static final String CONFIG_DIR = "/deployments/config";
    static final String MONGO_SECRET = "mongo-nats-connector-mongo";
    static final String MONGO_KEY = "uri";
    static final String NATS_SECRET = "mongo-nats-connector-nats";
    static final String NATS_KEY = "nats.creds";
    static final String NATS_CREDENTIALS = "/etc/mongo-nats-connector/nats/nats.creds";
    static final int IMAGE_USER = 185;

    static List<String> listed;
    static List<HasMetadata> resources;
    static StatefulSet statefulSet;
    static Service service;
    static PodDisruptionBudget disruptionBudget;
    static ConfigMap configMap;
    static List<Secret> secretTemplate;

    @BeforeAll
    static void load() {
        listed = Manifests.strings(Manifests.kustomization(K8S), "resources");
        resources = listed.stream().flatMap(name -> Manifests.load(K8S.resolve(name)).stream()).toList();
        statefulSet = only(StatefulSet.class);
        service = only(Service.class);
        disruptionBudget = only(PodDisruptionBudget.class);
        configMap = only(ConfigMap.class);
        secretTemplate = Manifests.load(SECRET_TEMPLATE).stream()
                .filter(Secret.class::isInstance).map(Secret.class::cast).toList();
    }

    @Test
    void everyListedResourceExistsAndParsesWithoutUnknownFields() throws IOException {
        assertFalse(listed.isEmpty(), "k8s/kustomization.yaml lists no resources");
        for (String name : listed) {
            for (HasMetadata resource : Manifests.load(K8S.resolve(name))) {
                assertTrue(Manifests.unknownFields(resource).isEmpty(),
                        () -> "k8s/" + name + " has fields the " + resource.getKind()
                                + " model does not know (typo?): " + Manifests.unknownFields(resource));
                assertNotNull(resource.getMetadata().getName(), "k8s/" + name + " has an object without a name");
            }
        }
        for (HasMetadata secret : Manifests.load(SECRET_TEMPLATE)) {
            assertTrue(Manifests.unknownFields(secret).isEmpty(), () -> SECRET_TEMPLATE
                    + " has fields the Secret model does not know (typo?): " + Manifests.unknownFields(secret));
        }
        assertFalse(listed.contains(SECRET_TEMPLATE.getFileName().toString()),
                "kustomization.yaml must not list the Secret template: it would apply placeholder credentials");
        assertTrue(listed.stream().noneMatch(name -> name.startsWith("optional")),
                "kustomization.yaml must not list k8s/optional/: the ServiceMonitor needs the Prometheus Operator");
        try (Stream<Path> files = Files.list(K8S)) {
            List<String> unlisted = files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") || name.endsWith(".yml"))
                    .filter(name -> !name.equals("kustomization.yaml"))
                    .filter(name -> !name.equals(SECRET_TEMPLATE.getFileName().toString()))
                    .filter(name -> !listed.contains(name))
                    .toList();
            assertTrue(unlisted.isEmpty(), "k8s/ holds manifests kustomization.yaml does not list: " + unlisted);
        }
    }

    @Test
    void imageIsNamedSoKustomizeCanOverrideIt() {
        JsonNode images = Manifests.kustomization(K8S).path("images");
        JsonNode entry = null;
        for (JsonNode image : images) {
            if (IMAGE.equals(image.path("name").asText())) {
                entry = image;
            }
        }
        assertNotNull(entry, "kustomization.yaml has no images entry named " + IMAGE);
        assertEquals(IMAGE_TAG, entry.path("newTag").asText(), "kustomization.yaml images entry has the wrong newTag");
        String image = container().getImage();
        assertEquals(IMAGE, image.replaceFirst("[:@].*$", ""),
                "container image " + image + " does not match the kustomize images entry, so overrides would miss it");
    }

    @Test
    void probesUseTheQuarkusHealthEndpointsOnTheHttpPort() {
        SmallRyeConfig config = podConfig();
        assertFalse(config.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false),
                "quarkus.management.enabled=true moves /q/health to the management port; the probes would need it");
        int httpPort = config.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        Container container = container();
        ContainerPort http = container.getPorts().stream().filter(port -> "http".equals(port.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("container declares no port named http"));
        assertEquals(httpPort, http.getContainerPort(),
                "container port http must be the application's HTTP port (quarkus.http.port)");
        assertProbe("startupProbe", container.getStartupProbe(), "/q/health/started", httpPort);
        assertProbe("livenessProbe", container.getLivenessProbe(), "/q/health/live", httpPort);
        assertProbe("readinessProbe", container.getReadinessProbe(), "/q/health/ready", httpPort);
    }

    @Test
    void podReferencesTheSecretsAndKeysTheTemplateDefines() {
        EnvVar mongo = env("CONNECTOR_MONGO_URI");
        assertNotNull(mongo.getValueFrom() == null ? null : mongo.getValueFrom().getSecretKeyRef(),
                "CONNECTOR_MONGO_URI must come from a secretKeyRef, not a literal value");
        assertEquals(MONGO_SECRET, mongo.getValueFrom().getSecretKeyRef().getName(), "CONNECTOR_MONGO_URI Secret");
        assertEquals(MONGO_KEY, mongo.getValueFrom().getSecretKeyRef().getKey(), "CONNECTOR_MONGO_URI Secret key");

        Volume nats = volumeMountedAt(NATS_CREDENTIALS);
        assertNotNull(nats.getSecret(), "the volume holding " + NATS_CREDENTIALS + " must be a Secret");
        assertEquals(NATS_SECRET, nats.getSecret().getSecretName(), "Secret mounted for the NATS credentials");
        assertEquals(Optional.of(NATS_KEY), fileKey(nats.getSecret().getItems(), fileName(NATS_CREDENTIALS)),
                "Secret key that becomes " + NATS_CREDENTIALS);
        assertTrue(mountFor(NATS_CREDENTIALS).getReadOnly() == Boolean.TRUE, "NATS credentials must be mounted read-only");

        Map<String, List<String>> referenced = Map.of(MONGO_SECRET, List.of(MONGO_KEY), NATS_SECRET, List.of(NATS_KEY));
        referenced.forEach((name, keys) -> {
            Secret template = secretTemplate.stream().filter(s -> name.equals(s.getMetadata().getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(SECRET_TEMPLATE + " does not define Secret " + name));
            for (String key : keys) {
                boolean defined = Optional.ofNullable(template.getStringData()).orElse(Map.of()).containsKey(key)
                        || Optional.ofNullable(template.getData()).orElse(Map.of()).containsKey(key);
                assertTrue(defined, SECRET_TEMPLATE + " Secret " + name + " has no key " + key);
            }
        });
    }

    @Test
    void configMapIsAcceptedByTheConfigMapping() {
        Properties properties = configMapProperties();
        assertFalse(properties.containsKey("connector.mongo.uri"),
                "connector.mongo.uri may hold a password: it belongs in Secret " + MONGO_SECRET + ", not the ConfigMap");
        assertFalse(properties.containsKey("connector.replica-id"),
                "connector.replica-id must differ per pod: it comes from env CONNECTOR_REPLICA_ID, not the ConfigMap");
        assertFalse(properties.containsKey("quarkus.log.console.json"),
                "quarkus.log.console.json is deprecated since Quarkus 3.19: use quarkus.log.console.json.enabled");

        ConnectorConfig config = assertDoesNotThrow(() -> ConnectorConfigs.configMapOnly(properties),
                "ConfigMap application.properties is rejected by ConnectorConfig");
        List<String> collections = config.collections().stream()
                .map(c -> c.database().orElse("") + "." + c.collection().orElse("")).toList();
        assertEquals(List.of("shop.orders", "shop.customers"), collections, "example collections in the ConfigMap");
        assertEquals(Optional.of(NATS_CREDENTIALS), config.nats().credentialsFile(),
                "connector.nats.credentials-file must be where the NATS Secret is mounted");
        List<ConfigProblem> problems = problemsOf(config);
        assertTrue(problems.stream().allMatch(problem -> problem.message().contains("does not exist or cannot be read")),
                "the ConfigMap has problems besides files that only the pod mounts: " + problems);

        Volume volume = volumeMountedAt(CONFIG_DIR + "/" + CONFIG_KEY);
        assertNotNull(volume.getConfigMap(), "the volume at " + CONFIG_DIR + " must be a ConfigMap");
        assertEquals(CONFIG_MAP, volume.getConfigMap().getName(), "ConfigMap mounted at " + CONFIG_DIR);
        assertEquals(CONFIG_MAP, configMap.getMetadata().getName(), "name of the ConfigMap resource");
        assertEquals(Optional.of(CONFIG_KEY), fileKey(volume.getConfigMap().getItems(), CONFIG_KEY),
                "ConfigMap key that becomes " + CONFIG_DIR + "/" + CONFIG_KEY);
    }

    @Test
    void configMappingRejectsUnknownConnectorKeys() {
        Properties properties = configMapProperties();
        properties.setProperty("connector.lease.tll", "10s");
        RuntimeException rejected = assertThrows(RuntimeException.class, () -> ConnectorConfigs.configMapOnly(properties),
                "a misspelt connector.* key must fail the mapping, otherwise the ConfigMap check proves nothing");
        assertTrue(String.valueOf(rejected.getMessage()).contains("connector.lease.tll"),
                "the mapping failed, but not because of the misspelt key: " + rejected.getMessage());
    }

    @Test
    void podConfigurationGivesEachReplicaItsIdentity() {
        EnvVar replica = env("CONNECTOR_REPLICA_ID");
        assertEquals("metadata.name", replica.getValueFrom() == null || replica.getValueFrom().getFieldRef() == null
                        ? null : replica.getValueFrom().getFieldRef().getFieldPath(),
                "CONNECTOR_REPLICA_ID must be the pod name (fieldRef metadata.name)");
        ConnectorConfig config = podConfig().getConfigMapping(ConnectorConfig.class);
        assertEquals(Optional.of(podName()), config.replicaId(), "connector.replica-id as the pod sees it");
        assertEquals(Optional.of(ConnectorConfigs.secretPlaceholder(MONGO_SECRET, MONGO_KEY)), config.mongo().uri(),
                "connector.mongo.uri as the pod sees it");
    }

    @Test
    void gracePeriodOutlastsTheShutdownDrain() {
        Duration drain = DurationConverter.parseDuration(
                podConfig().getConfigMapping(ConnectorConfig.class).shutdown().timeout().orElseThrow());
        Long grace = podSpec().getTerminationGracePeriodSeconds();
        assertNotNull(grace, "terminationGracePeriodSeconds is not set");
        assertTrue(Duration.ofSeconds(grace).compareTo(drain) > 0, "terminationGracePeriodSeconds (" + grace
                + "s) must exceed connector.shutdown.timeout (" + drain + ") or SIGKILL cuts the drain short");
    }

    @Test
    void containerRunsUnprivilegedOnAReadOnlyRootFilesystem() {
        var pod = podSpec().getSecurityContext();
        var container = container().getSecurityContext();
        assertNotNull(container, "container has no securityContext");
        assertEquals(Boolean.TRUE, either(container.getRunAsNonRoot(), pod == null ? null : pod.getRunAsNonRoot()),
                "runAsNonRoot must be true");
        Long user = either(container.getRunAsUser(), pod == null ? null : pod.getRunAsUser());
        assertEquals(Long.valueOf(IMAGE_USER), user, "runAsUser must be the image's non-root user");
        assertEquals(Boolean.TRUE, container.getReadOnlyRootFilesystem(), "readOnlyRootFilesystem must be true");
        assertEquals(Boolean.FALSE, container.getAllowPrivilegeEscalation(), "allowPrivilegeEscalation must be false");
        assertTrue(container.getCapabilities() != null && container.getCapabilities().getDrop().contains("ALL"),
                "capabilities must drop ALL");
        assertTrue(container.getCapabilities().getAdd() == null || container.getCapabilities().getAdd().isEmpty(),
                "capabilities must add none");
        var seccomp = either(container.getSeccompProfile(), pod == null ? null : pod.getSeccompProfile());
        assertEquals("RuntimeDefault", seccomp == null ? null : seccomp.getType(), "seccompProfile type");
        assertNotNull(volumeMountedAt("/tmp/any-file").getEmptyDir(),
                "/tmp must be a writable emptyDir: the root file system is read-only");
    }

    @Test
    void statefulSetRunsThreeSpreadReplicas() {
        assertEquals(3, statefulSet.getSpec().getReplicas(), "replicas");
        assertEquals("Parallel", statefulSet.getSpec().getPodManagementPolicy(), "podManagementPolicy");
        assertTrue(Manifests.selects(statefulSet.getSpec().getSelector(), podLabels()),
                "StatefulSet selector does not match its pod template labels");
        var antiAffinity = podSpec().getAffinity() == null ? null : podSpec().getAffinity().getPodAntiAffinity();
        List<WeightedPodAffinityTerm> preferred = antiAffinity == null ? List.of()
                : antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution();
        assertTrue(preferred.stream().map(WeightedPodAffinityTerm::getPodAffinityTerm).anyMatch(term ->
                        "kubernetes.io/hostname".equals(term.getTopologyKey())
                                && Manifests.selects(term.getLabelSelector(), podLabels())),
                "no preferred pod anti-affinity on kubernetes.io/hostname that selects the connector's own pods");
        var resources = container().getResources();
        for (String kind : List.of("cpu", "memory")) {
            Quantity request = resources.getRequests().get(kind);
            Quantity limit = resources.getLimits().get(kind);
            assertNotNull(request, "container has no " + kind + " request");
            assertNotNull(limit, "container has no " + kind + " limit");
            assertTrue(request.getNumericalAmount().compareTo(limit.getNumericalAmount()) <= 0,
                    kind + " request " + request + " exceeds its limit " + limit);
        }
        String javaOpts = Optional.ofNullable(env("JAVA_OPTS").getValue()).orElse("");
        assertTrue(javaOpts.contains("-Djava.util.logging.manager=org.jboss.logmanager.LogManager"),
                "JAVA_OPTS replaces the image's JAVA_OPTS_APPEND, so it must set the JBoss log manager itself");
    }

    @Test
    void headlessServiceAndDisruptionBudgetSelectThePods() {
        assertEquals("None", service.getSpec().getClusterIP(), "the Service must be headless (clusterIP None)");
        assertEquals(service.getMetadata().getName(), statefulSet.getSpec().getServiceName(),
                "StatefulSet serviceName must name the headless Service");
        assertTrue(Manifests.selects(service.getSpec().getSelector(), podLabels()),
                "Service selector " + service.getSpec().getSelector() + " does not match pod labels " + podLabels());
        int httpPort = container().getPorts().stream().filter(p -> "http".equals(p.getName()))
                .mapToInt(ContainerPort::getContainerPort).findFirst().orElseThrow();
        assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> containerPort(p.getTargetPort()) == httpPort),
                "no Service port reaches the http port, which serves /q/metrics");

        assertTrue(Manifests.selects(disruptionBudget.getSpec().getSelector(), podLabels()),
                "PodDisruptionBudget selector does not match pod labels " + podLabels());
        assertEquals(new IntOrString(1), disruptionBudget.getSpec().getMaxUnavailable(), "PDB maxUnavailable");
    }

    @Test
    void optionalServiceMonitorScrapesTheMetricsEndpoint() {
        List<HasMetadata> loaded = Manifests.load(SERVICE_MONITOR);
        assertEquals(1, loaded.size(), SERVICE_MONITOR + " must hold one object");
        HasMetadata monitor = loaded.get(0);
        assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion(), SERVICE_MONITOR + " apiVersion");
        assertEquals("ServiceMonitor", monitor.getKind(), SERVICE_MONITOR + " kind");
        GenericKubernetesResource generic = (GenericKubernetesResource) monitor;
        Map<String, String> selector = generic.get("spec", "selector", "matchLabels");
        assertTrue(Manifests.selects(selector, service.getMetadata().getLabels()),
                "ServiceMonitor selector " + selector + " does not match the Service's labels");
        List<Map<String, Object>> endpoints = generic.get("spec", "endpoints");
        assertNotNull(endpoints, "ServiceMonitor has no endpoints");
        for (Map<String, Object> endpoint : endpoints) {
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(endpoint.get("port"))),
                    "ServiceMonitor endpoint port " + endpoint.get("port") + " is not a named Service port");
            assertEquals("/q/metrics", endpoint.get("path"), "ServiceMonitor endpoint path");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static <T extends HasMetadata> T only(Class<T> type) {
        List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " among the kustomization resources "
                    + listed + ", found " + found.size());
        }
        return found.get(0);
    }

    private static PodSpec podSpec() {
        return statefulSet.getSpec().getTemplate().getSpec();
    }

    private static Map<String, String> podLabels() {
        return statefulSet.getSpec().getTemplate().getMetadata().getLabels();
    }

    private static String podName() {
        return statefulSet.getMetadata().getName() + "-0";
    }

    private static Container container() {
        List<Container> containers = podSpec().getContainers();
        assertEquals(1, containers.size(), "the pod must run exactly one container");
        return containers.get(0);
    }

    private static EnvVar env(String name) {
        return Optional.ofNullable(container().getEnv()).orElse(List.of()).stream()
                .filter(e -> name.equals(e.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("container has no env " + name));
    }

    private static int containerPort(IntOrString port) {
        if (port == null) {
            fail("a probe or Service port has no port");
        }
        if (port.getStrVal() == null) {
            return port.getIntVal();
        }
        return container().getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .mapToInt(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("port name " + port.getStrVal() + " is not a container port"));
    }

    private static void assertProbe(String kind, Probe probe, String path, int port) {
        assertNotNull(probe, "container has no " + kind);
        assertNotNull(probe.getHttpGet(), kind + " must be an httpGet probe");
        assertEquals(path, probe.getHttpGet().getPath(), kind + " path");
        assertEquals(port, containerPort(probe.getHttpGet().getPort()), kind + " must target the HTTP port");
    }

    /** The mount whose directory holds a file path, the deepest one when mounts nest. */
    private static VolumeMount mountFor(String file) {
        return container().getVolumeMounts().stream()
                .filter(m -> file.startsWith(m.getMountPath().replaceFirst("/?$", "/")))
                .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length()))
                .orElseThrow(() -> new AssertionError("no volume is mounted where " + file + " lives"));
    }

    private static Volume volumeMountedAt(String file) {
        String name = mountFor(file).getName();
        return podSpec().getVolumes().stream().filter(v -> name.equals(v.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("volumeMount " + name + " names no volume"));
    }

    /** The key projected to a file name: the items entry whose path is the name, or the name itself without items. */
    private static Optional<String> fileKey(List<KeyToPath> items, String fileName) {
        if (items == null || items.isEmpty()) {
            return Optional.of(fileName);
        }
        return items.stream().filter(i -> fileName.equals(i.getPath())).map(KeyToPath::getKey).findFirst();
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static <T> T either(T first, T fallback) {
        return first != null ? first : fallback;
    }

    private static Properties configMapProperties() {
        String text = Optional.ofNullable(configMap.getData()).map(d -> d.get(CONFIG_KEY))
                .orElseThrow(() -> new AssertionError("ConfigMap " + CONFIG_MAP + " has no key " + CONFIG_KEY));
        return ConnectorConfigs.properties(text);
    }

    /** What the validator finds wrong; the pod's own files (credentials, key stores) are not on this machine. */
    private static List<ConfigProblem> problemsOf(ConnectorConfig config) {
        try {
            ConfigValidator.validate(config);
            return List.of();
        } catch (ConfigValidationException e) {
            return e.problems();
        }
    }

    private static SmallRyeConfig podConfig() {
        Optional<Properties> packaged =
                Manifests.readIfPresent(APPLICATION_PROPERTIES).map(ConnectorConfigs::properties);
        Map<String, String> env = ConnectorConfigs.env(container().getEnv(), podName());
        return assertDoesNotThrow(() -> ConnectorConfigs.pod(packaged, configMapProperties(), env),
                "the pod's configuration (packaged application.properties, ConfigMap, env) is rejected by ConnectorConfig");
    }
}
