process MULTIQC {
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    container "${ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/multiqc:1.21--pyhdfd78af_0' :
        'biocontainers/multiqc:1.21--pyhdfd78af_0' }"

    input:
    path  multiqc_files, stageAs: "?/*"
    path  fasta

    output:
    path "*multiqc_report.html", emit: report

    script:
    """
    multiqc --force .
    """

    stub:
    """
    touch multiqc_report.html
    """
}
