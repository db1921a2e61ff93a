"""The course site's build machinery: MkDocs hooks, figures drawn from the engines, references."""
