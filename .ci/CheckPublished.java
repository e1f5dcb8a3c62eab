import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks what `mvn install` published against hookline-bom. Run by .ci/run right after `mvn install` into a local
 * repository whose dev/hookline folder it emptied first, so that the folder holds exactly what this build installs
 * (the modules that set hookline.unpublished install nothing; everything installed is what a release publishes):
 *
 *   java .ci/CheckPublished.java LOCAL_REPOSITORY
 *
 * Fails (exit 1, one line per problem) when
 *   - a published jar module is missing from hookline-bom, or the BOM lists one that was not published;
 *   - the BOM's version differs from the reactor's, or an entry's version is not ${project.version};
 *   - a published POM depends, outside test scope, on a Hookline artifact that was not published or on a test jar.
 * Only the JDK: no dependency to resolve before the check can run.
 */
public class CheckPublished {

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java .ci/CheckPublished.java LOCAL_REPOSITORY");
      System.exit(2);
    }
    Path repo = Path.of(args[0]).resolve("dev/hookline");
    Path root = Path.of(".");
    List<String> problems = new ArrayList<>();

    String version = text(child(read(root.resolve("pom.xml")), "version"));
    Element bom = read(root.resolve("hookline-bom/pom.xml"));
    if (!version.equals(text(child(bom, "version")))) {
      problems.add("hookline-bom has version " + text(child(bom, "version")) + ", the reactor " + version);
    }
    Set<String> listed = new TreeSet<>();
    for (Element dep : dependencies(child(bom, "dependencyManagement"))) {
      String id = text(child(dep, "groupId")) + ":" + text(child(dep, "artifactId"));
      listed.add(text(child(dep, "artifactId")));
      if (!"dev.hookline".equals(text(child(dep, "groupId")))) {
        problems.add("hookline-bom lists " + id + ", which is not a Hookline artifact");
      }
      if (!"${project.version}".equals(text(child(dep, "version")))) {
        problems.add("hookline-bom: " + id + " must have the version ${project.version}");
      }
    }

    // What this build installed: a POM per module, and a jar beside it for the jar modules.
    Set<String> installed = new TreeSet<>();
    Set<String> installedJars = new TreeSet<>();
    if (Files.isDirectory(repo)) {
      try (Stream<Path> dirs = Files.list(repo)) {
        for (Path dir : (Iterable<Path>) dirs::iterator) {
          String artifact = dir.getFileName().toString();
          Path base = dir.resolve(version).resolve(artifact + "-" + version);
          if (Files.exists(Path.of(base + ".pom"))) {
            installed.add(artifact);
          }
          if (Files.exists(Path.of(base + ".jar"))) {
            installedJars.add(artifact);
          }
        }
      }
    }
    if (installedJars.isEmpty()) {
      problems.add("nothing installed under " + repo + " for version " + version + ": run mvn install first");
    }
    for (String artifact : installedJars) {
      if (!listed.contains(artifact)) {
        problems.add(
            "published module " + artifact + " is missing from hookline-bom/pom.xml: add it there (and to README.md's"
                + " Modules section), or set hookline.unpublished=true in its POM if it must not be published");
      }
    }
    for (String artifact : listed) {
      if (!installedJars.contains(artifact)) {
        problems.add("hookline-bom lists " + artifact + ", but the build did not publish a jar for it");
      }
    }

    // Each published POM may depend, outside test scope, only on published Hookline jars.
    for (String artifact : installed) {
      Element pom = read(repo.resolve(artifact).resolve(version).resolve(artifact + "-" + version + ".pom"));
      for (Element dep : dependencies(pom)) {
        String scope = text(child(dep, "scope"));
        if (!"dev.hookline".equals(text(child(dep, "groupId"))) || "test".equals(scope)) {
          continue;
        }
        String target = text(child(dep, "artifactId"));
        String type = text(child(dep, "type"));
        String classifier = text(child(dep, "classifier"));
        if (!installedJars.contains(target)) {
          problems.add(artifact + " depends on " + target + ", which is not published");
        } else if (!(type.isEmpty() || type.equals("jar")) || !classifier.isEmpty()) {
          problems.add(artifact + " depends on " + target + " (" + type + " " + classifier + ") outside test scope");
        }
      }
    }

    System.out.println("published jars: " + String.join(", ", installedJars));
    System.out.println("hookline-bom:   " + String.join(", ", listed));
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.out.println("ERROR: " + p));
      System.exit(1);
    }
    System.out.println("hookline-bom lists every published module; published POMs depend only on published jars");
  }

  private static Element read(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = factory.newDocumentBuilder().parse(pom.toFile());
    return doc.getDocumentElement();
  }

  /** The direct child element with this name, or null. */
  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        return (Element) n;
      }
    }
    return null;
  }

  private static String text(Element e) {
    return e == null ? "" : e.getTextContent().strip();
  }

  /** The dependency elements of a project's (or a dependencyManagement's) dependencies list. */
  private static List<Element> dependencies(Element owner) {
    List<Element> result = new ArrayList<>();
    Element list = child(owner, "dependencies");
    if (list != null) {
      for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element && ((Element) n).getTagName().equals("dependency")) {
          result.add((Element) n);
        }
      }
    }
    return result;
  }
}
