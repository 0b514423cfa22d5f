package dev.l2r.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One rendered overlay, with the look-ups the checks need. */
final class Rendered {

    final String name;
    final List<HasMetadata> objects;

    private Rendered(String name, List<HasMetadata> objects) {
        this.name = name;
        this.objects = objects;
    }

    static Rendered of(String overlay) throws Exception {
        Path dir = overlay.equals("base") ? Repo.file("deploy/k8s/base") : Repo.file("deploy/k8s/overlays/" + overlay);
        return new Rendered(overlay, Kustomize.objects(dir));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                this.name + " has no " + type.getSimpleName() + " " + name));
    }

    /** Custom resources of one kind (Strimzi, CloudNativePG, Prometheus Operator). */
    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
    }

    Container container(String service) {
        List<Container> containers = get(Deployment.class, service).getSpec().getTemplate().getSpec().getContainers();
        return containers.stream().filter(c -> c.getName().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError(name + ": Deployment " + service + " has no container " + service));
    }

    /**
     * The environment a container gets, name to how it is set: the literal value, the ConfigMap entry's value, or
     * {@code secret:<name>/<key>} for a Secret reference (whose value is never in the manifests).
     */
    Map<String, String> environment(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                ConfigMap map = get(ConfigMap.class, from.getConfigMapRef().getName());
                env.putAll(map.getData());
            } else if (from.getSecretRef() != null) {
                throw new AssertionError(name + ": envFrom a whole Secret hides which variables it sets; use secretKeyRef");
            }
        }
        for (EnvVar var : container.getEnv()) {
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                env.put(var.getName(), "secret:" + var.getValueFrom().getSecretKeyRef().getName() + "/"
                        + var.getValueFrom().getSecretKeyRef().getKey());
            } else if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
                env.put(var.getName(), get(ConfigMap.class, var.getValueFrom().getConfigMapKeyRef().getName())
                        .getData().get(var.getValueFrom().getConfigMapKeyRef().getKey()));
            } else {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    /** Labels of every pod this overlay makes, directly or through an operator's template. */
    List<Map<String, String>> podLabels() {
        List<Map<String, String>> labels = new ArrayList<>();
        List<PodTemplateSpec> templates = new ArrayList<>();
        all(Deployment.class).forEach(d -> templates.add(d.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(s -> templates.add(s.getSpec().getTemplate()));
        templates.forEach(t -> labels.add(t.getMetadata().getLabels()));
        for (GenericKubernetesResource pool : custom("KafkaNodePool")) {
            labels.add(nested(pool, "spec", "template", "pod", "metadata", "labels"));
        }
        for (GenericKubernetesResource cluster : custom("Cluster")) {
            labels.add(nested(cluster, "spec", "inheritedMetadata", "labels"));
        }
        return labels;
    }

    @SuppressWarnings("unchecked")
    static <T> T nested(GenericKubernetesResource resource, String... path) {
        Object node = resource.getAdditionalProperties();
        for (String step : path) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(step)) {
                return null;
            }
            node = map.get(step);
        }
        return (T) node;
    }
}
